//! acmegen compiles an infrastructure inventory (a design doc's Table 1.1)
//! into Terraform for a primary and a disaster-recovery AWS region.
//!
//! The pipeline, one module per stage:
//! [`inventory`] (parse + model) → [`validate`] → [`plan`] (module calls per
//! region) → [`emit`] (tera templates) → [`verify`] (hcl-rs parse, layout,
//! references), driven by [`pipeline`] and written atomically by [`output`].

pub mod catalog;
pub mod cidr;
pub mod diagnostics;
pub mod emit;
pub mod explain;
pub mod format;
pub mod inventory;
pub mod output;
pub mod pipeline;
pub mod plan;
pub mod validate;
pub mod verify;

pub use pipeline::{compile, compile_text, Compiled, Error};
