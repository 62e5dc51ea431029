//! What other tools (and Lode itself) export, read into records the library stores. Pure
//! functions, no I/O: the library reads the files, these read the text.

pub mod markdown;
