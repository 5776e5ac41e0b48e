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

/// Terraform syntax `render` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TfFormat {
    /// Native syntax, `*.tf`.
    Hcl,
    /// Terraform JSON, `*.tf.json` (as CDKTF synthesizes).
    TfJson,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Validate inventories and write Terraform under the output directory.
    #[command(
        after_help = "Examples:\n  acmegen render inventory/acme-vm.yaml\n  acmegen render                      # every inventory/*.yaml; removes trees of deleted inventories\n  acmegen render inventory/x.yaml --out /tmp/gen\n  acmegen render --format tf-json      # Terraform JSON roots under generated-json/\n\nacmegen replaces only files it wrote (listed in each directory's .acmegen-manifest) and keeps\n.terraform/, *.tfstate*, *.tfvars and *.tfvars.json; a directory holding other files is refused unless --force.\n\nRoots are verified by structure (repeated blocks of one shape parsed once); `acmegen check`, which CI
and the pre-commit hook run, and --full-verify parse every byte and run the deployability rules.

Exit codes: 0 written, 2 bad inventory, 3 internal error, 4 output directory problem (nothing changed)."
    )]
    Render {
        /// Inventory files (default: every inventory/*.yaml).
        inventories: Vec<PathBuf>,
        /// Output directory (default: generated, or generated-json with --format tf-json).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Terraform syntax of the roots: native HCL (`*.tf`) or Terraform JSON (`*.tf.json`, the shared modules and test files stay HCL).
        #[arg(long, value_enum, default_value = "hcl")]
        format: TfFormat,
        /// Replace output directories even when they hold files acmegen did not write (deleting those files).
        #[arg(long)]
        force: bool,
        /// Verify the roots as `acmegen check` does (parse every byte, canonical layout, deployability rules) instead of by structure.
        #[arg(long)]
        full_verify: bool,
    },
    /// Re-render in memory and fail (exit 1) with a diff when the output directory is stale or hand-edited.
    #[command(
        after_help = "Examples:\n  acmegen check                       # CI: every inventory, whole generated/ tree, acmegen's workflows\n  acmegen check inventory/acme-vm.yaml\n\nInventories with a ci: section also have their workflows compared with <workflows> (written by acmegen ci).\n\nExit codes: 0 up to date, 1 stale (diff printed) or missing, 2 bad inventory, 4 cannot read the output directory."
    )]
    Check {
        /// Inventory files (default: every inventory/*.yaml, and any other file in the output directory is extra).
        inventories: Vec<PathBuf>,
        /// Output directory.
        #[arg(long, default_value = "generated")]
        out: PathBuf,
        /// Directory of the workflows `acmegen ci` writes (checked for inventories with a `ci:` section).
        #[arg(long, default_value = ".github/workflows")]
        workflows: PathBuf,
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
    /// Move a DNS migration: set the weight (percent of answers to the new stack) of a route53 asset's `migration:` block in the inventory, then print the render, apply, checks and rollback.
    #[command(
        after_help = "Examples:\n  acmegen migrate inventory/acme-eks.yaml --weight 10\n  acmegen migrate inventory/acme-eks.yaml --asset public-dns --weight 0   # roll back\n\nOnly the `weight:` line changes (comments and layout are kept); the edited inventory is validated before the file is replaced.\n\nExit codes: 0 written, 2 bad input (no migration block, weight above 100: file:line and help; the file is unchanged), 4 cannot write the file."
    )]
    Migrate {
        /// Inventory file.
        inventory: PathBuf,
        /// Percent of the DNS answers for the new stack (0 to 100); the existing endpoint gets the rest.
        #[arg(long, value_parser = clap::value_parser!(u32).range(0..=100))]
        weight: u32,
        /// The route53 asset whose migration moves (default: the only one with a migration block).
        #[arg(long)]
        asset: Option<String>,
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
    /// Print the failover: data steps (promote, restore, credentials), the capacity and traffic levers (AWS API calls in the DR region), taking the primary out of rotation, the DR variable changes (written with --apply-vars) and the recovery objectives.
    #[command(
        after_help = "Examples:\n  acmegen failover inventory/acme-eks.yaml\n  acmegen failover inventory/acme-eks.yaml --format json\n  acmegen failover inventory/acme-eks.yaml --apply-vars   # writes generated/acme-eks/dr/failover.auto.tfvars\n  terraform -chdir=generated/acme-eks/dr apply"
    )]
    Failover {
        /// Inventory file.
        inventory: PathBuf,
        /// Write <out>/<name>/dr/failover.auto.tfvars for a reviewed `terraform apply`.
        #[arg(long)]
        apply_vars: bool,
        /// Output format: the steps as text, or the steps, variable changes and objectives as JSON.
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
        /// Output directory holding the rendered roots.
        #[arg(long, default_value = "generated")]
        out: PathBuf,
    },
    /// Write the GitHub Actions workflows (pull request, apply, drift, DR drill) of inventories with a `ci:` section.
    #[command(
        after_help = "Examples:\n  acmegen ci                                  # every inventory/*.yaml with a ci: section\n  acmegen ci inventory/acme-vm.yaml\n  acmegen ci inventory/acme-vm.yaml --drill-inventory > inventory/acme-vm-drill.yaml\n\nWrites <workflows>/acmegen-<name>-{pr,apply,drift,drill}.yml and lists them in <workflows>/.acmegen-manifest;\nnever overwrites a file it did not write. `acmegen check` compares them with a fresh render.\n\nExit codes: 0 written, 2 bad inventory, 3 internal error, 4 a workflow file acmegen did not write is in the way, or a write failed."
    )]
    Ci {
        /// Inventory files (default: every inventory/*.yaml; also removes workflows of inventories that lost their ci: section).
        inventories: Vec<PathBuf>,
        /// Directory to write the workflows into.
        #[arg(long, default_value = ".github/workflows")]
        workflows: PathBuf,
        /// Directory of the rendered Terraform the workflows run (relative to the repository's root).
        #[arg(long, default_value = "generated")]
        out: PathBuf,
        /// Print the DR drill's copy of the (one) inventory instead, for the administrator's one-time bootstrap of the drill account.
        #[arg(long)]
        drill_inventory: bool,
    },
    /// Deploy an inventory's roots in the documented order: bootstrap, zone delegation, DR, primary, DR again.
    #[command(
        after_help = "Steps: bootstrap, zones (only when the inventory creates hosted zones), dr-first, primary, dr.\n\nExamples:\n  acmegen deploy inventory/acme-vm.yaml --dry-run\n  acmegen deploy inventory/acme-vm.yaml\n  acmegen deploy inventory/acme-vm.yaml --from primary        # resume after a failure\n  acmegen deploy inventory/acme-multiregion.yaml --from dr-first --zones-delegated\n  acmegen deploy inventory/acme-vm.yaml --to bootstrap        # only the bootstrap root\n\nExit codes: 0 deployed (or --dry-run printed), 1 a step failed, or the run stopped for the zones' delegation, or the rendered tree is stale,\n2 bad inventory, unknown step or a root without its terraform.tfvars, 3 internal error, 4 terraform cannot be run."
    )]
    Deploy {
        /// Inventory file.
        inventory: PathBuf,
        /// Print the ordered steps and their commands; run nothing.
        #[arg(long)]
        dry_run: bool,
        /// First step to run (resume).
        #[arg(long, value_name = "STEP")]
        from: Option<String>,
        /// Last step to run.
        #[arg(long, value_name = "STEP")]
        to: Option<String>,
        /// Output directory holding the rendered roots.
        #[arg(long, default_value = "generated")]
        out: PathBuf,
        /// The hosted zones the bootstrap created are delegated: go on past the `zones` step.
        #[arg(long)]
        zones_delegated: bool,
        /// Apply without Terraform's confirmation prompt (`-auto-approve`), e.g. in CI.
        #[arg(long)]
        auto_approve: bool,
    },
    /// Print a shell completion script.
    #[command(after_help = "Example:\n  acmegen completions bash > /etc/bash_completion.d/acmegen")]
    Completions {
        /// Shell to generate for.
        shell: clap_complete::Shell,
    },
}
