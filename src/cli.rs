//! Command-line interface: thin wrappers over the library.

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Compile an infrastructure inventory (Table 1.1) into Terraform for a primary and a DR AWS region.
#[derive(Debug, Parser)]
#[command(
    name = "acmegen",
    version,
    about,
    long_about = None,
    after_help = "Exit codes: 0 ok, 1 check or verify found problems, 2 bad input (file:line:column and help),\n3 internal error (a bug in acmegen), 4 file system problem (the path and the fix are named; nothing is left half-written)."
)]
pub struct Cli {
    /// Print only errors.
    #[arg(long, short, global = true)]
    pub quiet: bool,

    /// Seconds to wait when another acmegen process is writing the output directory.
    #[arg(long, global = true, value_name = "SECONDS", default_value_t = 60)]
    pub lock_timeout: u64,

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
        after_help = "Examples:\n  acmegen render inventory/acme-vm.yaml\n  acmegen render                      # every inventory/*.yaml; removes trees of deleted inventories\n  acmegen render inventory/x.yaml --out /tmp/gen\n\nacmegen replaces only files it wrote (listed in each directory's .acmegen-manifest) and keeps\n.terraform/, *.tfstate*, *.tfvars and *.tfvars.json; a directory holding other files is refused unless --force.\n\nExit codes: 0 written, 2 bad inventory, 3 internal error, 4 output directory problem (nothing changed)."
    )]
    Render {
        /// Inventory files (default: every inventory/*.yaml).
        inventories: Vec<PathBuf>,
        /// Output directory.
        #[arg(long, default_value = "generated")]
        out: PathBuf,
        /// Replace output directories even when they hold files acmegen did not write (deleting those files).
        #[arg(long)]
        force: bool,
    },
    /// Re-render in memory and fail (exit 1) with a diff when the output directory is stale or hand-edited.
    #[command(
        after_help = "Examples:\n  acmegen check                       # CI: every inventory, whole generated/ tree\n  acmegen check inventory/acme-vm.yaml\n\nExit codes: 0 up to date, 1 stale (diff printed) or missing, 2 bad inventory, 4 cannot read the output directory."
    )]
    Check {
        /// Inventory files (default: every inventory/*.yaml, and any other file in the output directory is extra).
        inventories: Vec<PathBuf>,
        /// Output directory.
        #[arg(long, default_value = "generated")]
        out: PathBuf,
    },
    /// Verify Terraform already on disk: parse, canonical layout, module arguments, references, deployability rules.
    #[command(
        after_help = "Example:\n  acmegen verify --out generated\n\nExit codes: 0 verified, 1 problems found (file:line: message), 2 no .tf files, 4 cannot read the directory."
    )]
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
    /// Print the failover: data steps (promote, restore, credentials), the DR variable changes (written with --apply-vars) and the recovery objectives.
    #[command(
        after_help = "Examples:\n  acmegen failover inventory/acme-eks.yaml\n  acmegen failover inventory/acme-eks.yaml --format json\n  acmegen failover inventory/acme-eks.yaml --apply-vars   # writes generated/acme-eks/dr/failover.auto.tfvars\n  terraform -chdir=generated/acme-eks/dr apply"
    )]
    Failover {
        /// Inventory file.
        inventory: PathBuf,
        /// Write <out>/<name>/dr/failover.auto.tfvars for a reviewed `terraform apply`.
        #[arg(long)]
        apply_vars: bool,
        /// Output format: the steps as text, or data steps, variable changes and objectives as JSON.
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
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
