//! Lode's integration tests, through the public API (`Library`) and the `lode` binary.
//! One binary, modules by feature area. Acceptance tests over the shared seeds run when
//! `../shared` is beside the checkout, and say so loudly when it is not.

// A test states its expectations by panicking; unwrap is how it says "this must work".
#![allow(clippy::unwrap_used)]

mod common;

mod acceptance;
mod anchoring;
mod annotations;
mod backups;
mod bad_input;
mod citations;
mod cli;
mod clip;
mod desktop;
mod disk;
mod fuzz_regressions;
mod hardening;
mod healing;
mod imports;
mod integrity;
mod json_schema;
mod mcp;
mod page_details;
mod passages;
mod persistence;
mod priority;
mod properties;
mod related;
mod saved;
mod schema;
mod search;
mod shared;
mod sync_folder;
mod tags;
mod trash;
mod versions;
