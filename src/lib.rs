//! acmegen compiles an infrastructure inventory (a design doc's Table 1.1)
//! into Terraform for a primary and a disaster-recovery AWS region.
//!
//! The pipeline, one module per stage:
//! [`inventory`] (parse + model) → [`validate`] → [`plan`] (module calls per
//! region) → [`emit`] (tera templates) → [`verify`] (hcl-rs parse, layout,
//! references), driven by [`pipeline`] and written atomically by [`output`].
//!
//! ```
//! use acmegen::emit::Emitter;
//! use std::path::Path;
//!
//! let inventory = "name: demo\nowner: me\nregions: {primary: us-east-2, dr: us-west-1}\nassets:\n  - {kind: s3, name: data, dr: replica}\n";
//! let emitter = Emitter::new().unwrap();
//! let modules = acmegen::pipeline::modules(&emitter).unwrap();
//! let compiled = acmegen::compile_text(inventory, Path::new("demo.yaml"), &emitter, &modules).unwrap();
//! let dr_main = &compiled.files[Path::new("demo/dr/main.tf")];
//! assert!(dr_main.contains("bucket      = \"demo-data-${local.account_id}-us-west-1\""));
//! ```

pub mod accounts;
pub mod catalog;
pub mod ci;
pub mod cidr;
pub mod deploy;
pub mod diagnostics;
pub mod emit;
pub mod explain;
pub mod fnv;
pub mod format;
pub mod import;
pub mod inventory;
pub mod kinds;
pub mod lexer;
pub mod limits;
pub mod locate;
pub mod lock;
pub mod manifest;
pub mod migrate;
pub mod objectives;
pub mod output;
pub mod ownership;
pub mod pipeline;
pub mod plan;
pub mod prose;
pub mod quotas;
pub mod runbook;
pub mod suggest;
pub mod synthetic;
mod sys;
pub mod transaction;
pub mod validate;
pub mod verify;
pub mod versions;

pub use pipeline::{compile, compile_text, Compiled, Error};
