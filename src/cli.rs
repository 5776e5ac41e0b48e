//! Command-line interface: thin wrappers over the library.

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Compile an infrastructure inventory (Table 1.1) into Terraform for a primary and a DR AWS region.
#[derive(Debug, Parser)]
#[command(name = "acmegen", version, about, long_about = None)]
pub struct Cli {
    /// Print only errors.
    #[arg(long, short, global = true)]
    pub quiet: bool,

    #[command(subcommand)]
    pub command: Command,
}

/// Output format of `explain`.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Format {
    /// Human-readable table.
    Table,
    /// JSON for tools.
    Json,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Validate inventories and write Terraform under the output directory.
    #[command(
        after_help = "Examples:\n  acmegen render inventory/acme-vm.yaml\n  acmegen render                      # every inventory/*.yaml\n  acmegen render inventory/x.yaml --out /tmp/gen"
    )]
    Render {
        /// Inventory files (default: every inventory/*.yaml).
        inventories: Vec<PathBuf>,
        /// Output directory.
        #[arg(long, default_value = "generated")]
        out: PathBuf,
    },
    /// Re-render in memory and fail (exit 1) with a diff when the output directory is stale or hand-edited.
    #[command(
        after_help = "Examples:\n  acmegen check                       # CI: every inventory, whole generated/ tree\n  acmegen check inventory/acme-vm.yaml\n\nExit codes: 0 up to date, 1 stale (diff printed), 2 bad inventory."
    )]
    Check {
        /// Inventory files (default: every inventory/*.yaml, and any other file in the output directory is extra).
        inventories: Vec<PathBuf>,
        /// Output directory.
        #[arg(long, default_value = "generated")]
        out: PathBuf,
    },
    /// Verify Terraform already on disk: parse, canonical layout, module arguments, references, deployability rules.
    #[command(after_help = "Example:\n  acmegen verify --out generated")]
    Verify {
        /// Directory to verify.
        #[arg(long, default_value = "generated")]
        out: PathBuf,
    },
    /// Show what each region will get, per asset: module, strategy, count, resource types.
    #[command(
        after_help = "Examples:\n  acmegen explain inventory/acme-vm.yaml\n  acmegen explain inventory/acme-vm.yaml --format json"
    )]
    Explain {
        /// Inventory file.
        inventory: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
    },
    /// Draft an inventory from a Markdown design doc: its asset table (Table 1.1), else the components its headings and bullets name.
    #[command(
        after_help = "Examples:\n  acmegen import docs/design.md -o inventory/shop.yaml\n  acmegen import docs/design.md            # print the inventory\n\nRows (or named components) that map to no asset kind are kept as commented TODO entries and listed on stderr.\nEvery inference is a `# guess:` comment; regions the document does not name are left as placeholders to fill in."
    )]
    Import {
        /// Markdown design document.
        document: PathBuf,
        /// Inventory file to write (default: print to stdout).
        #[arg(long, short)]
        output: Option<PathBuf>,
        /// Inventory name (default: the output file's, else the document's, stem).
        #[arg(long)]
        name: Option<String>,
        /// Overwrite an existing output file.
        #[arg(long)]
        force: bool,
    },
    /// Print (and with --apply-vars write) the DR variable changes that turn the DR region into the primary.
    #[command(
        after_help = "Examples:\n  acmegen failover inventory/acme-eks.yaml\n  acmegen failover inventory/acme-eks.yaml --apply-vars   # writes generated/acme-eks/dr/failover.auto.tfvars\n  terraform -chdir=generated/acme-eks/dr apply"
    )]
    Failover {
        /// Inventory file.
        inventory: PathBuf,
        /// Write <out>/<name>/dr/failover.auto.tfvars for a reviewed `terraform apply`.
        #[arg(long)]
        apply_vars: bool,
        /// Output directory holding the rendered roots.
        #[arg(long, default_value = "generated")]
        out: PathBuf,
    },
    /// Print a shell completion script.
    #[command(after_help = "Example:\n  acmegen completions bash > /etc/bash_completion.d/acmegen")]
    Completions {
        /// Shell to generate for.
        shell: clap_complete::Shell,
    },
}
