"""A real MCP client (the official Python SDK, `mcp`) talking to `lode mcp` over stdio.

    python client.py LODE_BIN LIBRARY_DIR read|write [legacy|auto]

Calls what an assistant would and prints one JSON object with what came back; tests/mcp.rs
starts it and checks the answers. Nothing is asserted here: a failed call is recorded as
{"error": ...} so the Rust test says which one failed.
"""

import asyncio
import json
import sys

from mcp import Client, StdioServerParameters


def dump(model):
    return model.model_dump(mode="json", by_alias=True, exclude_none=True)


async def call(client, name, arguments):
    try:
        result = await client.call_tool(name, arguments)
    except Exception as e:  # a protocol error: the test reports it
        return {"error": f"{type(e).__name__}: {e}"}
    return dump(result)


async def main(lode, library, access, mode):
    args = ["--library", library, "mcp"] + (["--write"] if access == "write" else [])
    params = StdioServerParameters(command=lode, args=args)
    out = {}
    async with Client(params, mode=mode) as client:
        out["protocol_version"] = client.protocol_version
        out["server_info"] = dump(client.server_info) if client.server_info else None
        out["instructions"] = client.instructions
        out["tools"] = [dump(t) for t in (await client.list_tools()).tools]
        out["search"] = await call(client, "search", {"query": "lithium brine", "limit": 5})
        out["search_typo"] = await call(client, "search", {"query": "Atacma"})
        hits = out["search"].get("structuredContent", {}).get("hits", [])
        first = hits[0]["id"] if hits else 1
        out["show_note"] = await call(client, "show_note", {"id": first})
        out["show_missing"] = await call(client, "show_note", {"id": 987654})
        out["list_notes"] = await call(client, "list_notes", {"limit": 10})
        out["list_by_tag"] = await call(client, "list_notes", {"tag": "geo"})
        out["list_annotations"] = await call(client, "list_annotations", {"id": first})
        out["related"] = await call(client, "related", {"id": first})
        out["bad_arguments"] = await call(client, "search", {"limit": 3})
        resources = await client.list_resources()
        out["resources"] = [dump(r) for r in resources.resources]
        out["resource_templates"] = [
            dump(t) for t in (await client.list_resource_templates()).resource_templates
        ]
        if out["resources"]:
            uri = out["resources"][0]["uri"]
            out["read_resource"] = dump(await client.read_resource(uri))
        try:
            await client.read_resource("lode://notes/987654")
            out["read_missing"] = "no error"
        except Exception as e:
            out["read_missing"] = f"{type(e).__name__}: {e}"
        if access == "write":
            out["clip"] = await call(
                client,
                "clip",
                {
                    "text": "Copper smelters in Zambia\n\nLusaka, 3 March 2026\n\n"
                    "Zambia's copper smelters ran at full capacity this winter, and the "
                    "mines of the Copperbelt hired again.\n\nThe government expects "
                    "exports to rise by a fifth next year.",
                    "url": "https://news.example/zambia-copper",
                },
            )
            clipped = out["clip"].get("structuredContent", {}).get("id")
            out["tag"] = await call(client, "tag", {"id": clipped, "tags": ["africa/zambia"]})
            out["annotate"] = await call(
                client,
                "annotate",
                {
                    "id": clipped,
                    "quote": "the mines of the Copperbelt hired again",
                    "comment": "jobs follow the smelters",
                    "color": "green",
                },
            )
            out["annotate_absent"] = await call(
                client, "annotate", {"id": clipped, "quote": "not in the note at all"}
            )
            out["search_after"] = await call(client, "search", {"query": "smelters"})
        else:
            out["clip_refused"] = await call(client, "clip", {"text": "A note\n\nBody."})
    print(json.dumps(out, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    lode, library, access = sys.argv[1:4]
    mode = sys.argv[4] if len(sys.argv) > 4 else "auto"
    asyncio.run(main(lode, library, access, mode))
