//! Stage 2: check an inventory for everything serde cannot: references,
//! DR strategies per kind, catalogue sizes, CIDRs, quotas, and the design
//! docs' DR pre-steps (same engine version in DR, dependencies present in
//! DR). Every problem is collected; nothing stops at the first one. What
//! passes becomes a [`Validated`] model, with every default resolved once:
//! the planner accepts nothing else.
//!
//! The checks every asset gets live here; what is particular to a kind lives
//! in its module under [`crate::kinds`] (its `check`).

use crate::catalog;
use crate::cidr::Cidr;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::inventory::{Asset, DrStrategy, Inventory, Kind, Loaded, RegionNetwork, Seg};
use crate::kinds::{Options, SizeClass};
use crate::plan::network::{layout, Layout};
use std::collections::BTreeMap;

/// CloudWatch Logs accepts only these retention periods.
pub const LOG_RETENTION_DAYS: &[u32] = &[
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];

/// An inventory that passed validation: its metadata, its assets with every
/// field checked and defaulted (sorted by name: the order of Table 1.1 rows
/// does not change the output), and both regions' networks.
#[derive(Debug, Clone)]
pub struct Validated {
    /// The inventory as written (metadata; `assets` are raw).
    pub inventory: Inventory,
    /// The assets, validated, sorted by name.
    pub assets: Vec<ValidAsset>,
    /// Both regions' networks, subnets computed.
    pub network: Networks,
    /// Problems that do not stop the render (e.g. a Kubernetes version near
    /// the end of standard support), in inventory order.
    pub warnings: Vec<Diagnostic>,
}

/// The network of each region.
#[derive(Debug, Clone)]
pub struct Networks {
    /// Primary region.
    pub primary: Layout,
    /// DR region.
    pub dr: Layout,
}

/// One asset, validated: common columns resolved, kind-specific fields in
/// its kind's [`Options`].
#[derive(Debug, Clone)]
pub struct ValidAsset {
    /// Unique name.
    pub name: String,
    /// Its kind.
    pub kind: Kind,
    /// Table 1.1 "Purpose".
    pub purpose: Option<String>,
    /// Extra tags of its resources.
    pub tags: BTreeMap<String, String>,
    /// DR strategy.
    pub dr: DrStrategy,
    /// Quantity in the primary region.
    pub qty: u32,
    /// Quantity in the DR region under its strategy.
    pub dr_count: u32,
    /// The asset it fronts, attaches to or runs on (checked to exist and to be of a target kind).
    pub target: Option<String>,
    /// Its kind-specific fields.
    pub options: Options,
}

impl ValidAsset {
    /// Terraform identifier (`-` becomes `_`).
    pub fn ident(&self) -> String {
        self.name.replace('-', "_")
    }

    /// Whether the DR region gets anything for this asset.
    pub fn in_dr(&self) -> bool {
        self.dr != DrStrategy::None
    }
}

impl Validated {
    /// The asset named `name`.
    pub fn asset(&self, name: &str) -> Option<&ValidAsset> {
        self.assets.iter().find(|a| a.name == name)
    }
}

/// Validate a parsed inventory; the validated model when it can be planned.
pub fn validate(loaded: &Loaded) -> Result<Validated, Diagnostics> {
    let mut v = Validator {
        loaded,
        errors: Vec::new(),
        warnings: Vec::new(),
        database_labels: std::cell::OnceCell::new(),
        load_balancer_names: std::cell::OnceCell::new(),
    };
    v.metadata();
    v.errors.extend(crate::ci::validate(loaded));
    v.network();
    let mut assets = v.assets();
    if v.errors.is_empty() {
        // Quotas need a valid network plan (NAT gateways per AZ).
        v.quotas();
    }
    let inv = &loaded.inventory;
    match (v.errors.is_empty(), layout(inv, false), layout(inv, true)) {
        (true, Some(primary), Some(dr)) => {
            assets.sort_by(|a, b| a.name.cmp(&b.name));
            let validated = Validated {
                inventory: inv.clone(),
                assets,
                network: Networks { primary, dr },
                warnings: v.warnings,
            };
            // The network ACLs are derived from the planned roots.
            let acls = crate::kinds::vpc::check_network_acls(loaded, &validated);
            if acls.is_empty() {
                Ok(validated)
            } else {
                Err(Diagnostics(acls))
            }
        }
        (true, _, _) => Err(Diagnostics(vec![loaded.error(
            &[Seg::Key("network")],
            "the network plan could not be computed",
            "check network.primary and network.dr (CIDR, AZs, subnet prefixes)",
        )])),
        (false, _, _) => Err(Diagnostics(v.errors)),
    }
}

/// What a kind's `check` works with: the asset, the inventory, and where
/// errors go (located at the asset or one of its fields).
pub struct Check<'a> {
    loaded: &'a Loaded,
    index: usize,
    by_name: &'a BTreeMap<&'a str, usize>,
    database_labels: &'a std::cell::OnceCell<crate::fnv::FnvMap<String, usize>>,
    load_balancer_names: &'a std::cell::OnceCell<crate::fnv::FnvMap<(bool, String), usize>>,
    errors: &'a mut Vec<Diagnostic>,
    warnings: &'a mut Vec<Diagnostic>,
}

impl<'a> Check<'a> {
    /// The whole inventory.
    pub fn inventory(&self) -> &'a Inventory {
        &self.loaded.inventory
    }

    /// The assets listed before the one being checked (to report a clash
    /// once, on the later asset).
    pub fn earlier(&self) -> &'a [Asset] {
        let loaded: &'a Loaded = self.loaded;
        &loaded.inventory.assets[..self.index]
    }

    /// The asset named `name` and its index.
    pub fn named(&self, name: &str) -> Option<(usize, &'a Asset)> {
        let loaded: &'a Loaded = self.loaded;
        self.by_name.get(name).map(|&i| (i, &loaded.inventory.assets[i]))
    }

    /// The index of the first database (rds or aurora) whose label in the
    /// private zone is `label` (an index built once per inventory, so that
    /// checking every database's name stays linear).
    pub fn first_database_labelled(&self, label: &str) -> Option<usize> {
        let loaded: &'a Loaded = self.loaded;
        self.database_labels
            .get_or_init(|| {
                let mut labels = crate::fnv::FnvMap::default();
                for (i, a) in loaded.inventory.assets.iter().enumerate() {
                    if a.kind.spec().category == crate::kinds::Category::Database {
                        labels.entry(crate::kinds::rds::dns_label(a)).or_insert(i);
                    }
                }
                labels
            })
            .get(label)
            .copied()
    }

    /// The index of the first load balancer whose AWS name in the primary
    /// region (or, with `dr`, in the DR region, among those deployed there)
    /// is `name` (an index built once per inventory, so that checking every
    /// load balancer's name stays linear).
    pub fn first_load_balancer_named(&self, dr: bool, name: &str) -> Option<usize> {
        let loaded: &'a Loaded = self.loaded;
        self.load_balancer_names
            .get_or_init(|| {
                let inv = &loaded.inventory;
                let mut names = crate::fnv::FnvMap::default();
                for (i, a) in inv
                    .assets
                    .iter()
                    .enumerate()
                    .filter(|(_, a)| a.kind == crate::kinds::Kind::Alb)
                {
                    let name = |region| crate::plan::names::load_balancer(&inv.name, &a.name, region);
                    names.entry((false, name(&inv.regions.primary))).or_insert(i);
                    if a.in_dr() {
                        names.entry((true, name(&inv.regions.dr))).or_insert(i);
                    }
                }
                names
            })
            .get(&(dr, name.to_string()))
            .copied()
    }

    /// The index of the asset being checked.
    pub fn index(&self) -> usize {
        self.index
    }

    /// An error at `field` of the asset being checked.
    pub fn error(&mut self, field: &'static str, message: impl Into<String>, help: impl Into<String>) {
        let at = [Seg::Key("assets"), Seg::Index(self.index), Seg::Key(field)];
        self.errors.push(self.loaded.error(&at, message, help));
    }

    /// A warning at `field` of the asset being checked: reported, but the
    /// inventory still renders.
    pub fn warn(&mut self, field: &'static str, message: impl Into<String>, help: impl Into<String>) {
        let at = [Seg::Key("assets"), Seg::Index(self.index), Seg::Key(field)];
        self.warnings.push(self.loaded.error(&at, message, help));
    }

    /// An error at an element nested in the asset being checked: `path`
    /// below the asset, e.g. `[Key("node_groups"), Index(1), Key("taints")]`.
    pub fn error_in(&mut self, path: &[Seg<'_>], message: impl Into<String>, help: impl Into<String>) {
        let mut at = vec![Seg::Key("assets"), Seg::Index(self.index)];
        at.extend_from_slice(path);
        self.errors.push(self.loaded.error(&at, message, help));
    }

    /// An error at the asset being checked (a field it lacks).
    pub fn error_here(&mut self, message: impl Into<String>, help: impl Into<String>) {
        let at = [Seg::Key("assets"), Seg::Index(self.index)];
        self.errors.push(self.loaded.error(&at, message, help));
    }

    /// An error at another asset (found through this one).
    pub fn error_on(&mut self, index: usize, message: impl Into<String>, help: impl Into<String>) {
        let at = [Seg::Key("assets"), Seg::Index(index)];
        self.errors.push(self.loaded.error(&at, message, help));
    }

    /// Check that a bucket named `<inventory>-<asset>-<account>-<region>`
    /// is one S3 accepts (General purpose bucket naming rules, S3 User
    /// Guide): no `_` (only lowercase letters, digits, dots and hyphens),
    /// none of the prefixes S3 reserves, and 63 characters at most.
    pub fn bucket_name_fits(&mut self, a: &Asset) {
        let inv = &self.loaded.inventory.name;
        let bucket = format!("{inv}-{}-<account ID>-<region>", a.name);
        if a.name.contains('_') {
            self.error(
                "name",
                format!(
                    "{} asset name `{}` contains `_`",
                    if a.kind == Kind::S3 { "S3" } else { a.kind.as_str() },
                    a.name
                ),
                format!(
                    "bucket names allow only lowercase letters, digits and dashes (its bucket is `{bucket}`): rename the asset, e.g. `{}`",
                    a.name.replace('_', "-")
                ),
            );
        }
        let head = format!("{inv}-{}-", a.name);
        if let Some(prefix) = S3_RESERVED_PREFIXES.iter().find(|p| head.starts_with(**p)) {
            self.error(
                "name",
                format!("bucket name `{bucket}` starts with `{prefix}`, which S3 reserves"),
                "rename the inventory (its name starts every bucket name)",
            );
        }
        if inv.len() + a.name.len() + "--123456789012-ap-southeast-2".len() > 63 {
            self.error(
                "name",
                format!("bucket name `{inv}-{}-<account ID>-<region>` would exceed 63 characters", a.name),
                "shorten the asset or inventory name (bucket names carry the 12-digit account ID to be globally unique)",
            );
        }
    }
}

/// Prefixes S3 refuses at the start of a bucket name (General purpose
/// bucket naming rules, S3 User Guide).
const S3_RESERVED_PREFIXES: &[&str] = &["xn--", "sthree-", "amzn-s3-demo-"];

struct Validator<'a> {
    loaded: &'a Loaded,
    errors: Vec<Diagnostic>,
    warnings: Vec<Diagnostic>,
    /// Built on first use: see [`Check::first_database_labelled`].
    database_labels: std::cell::OnceCell<crate::fnv::FnvMap<String, usize>>,
    /// Built on first use: see [`Check::first_load_balancer_named`].
    load_balancer_names: std::cell::OnceCell<crate::fnv::FnvMap<(bool, String), usize>>,
}

/// Whether `name` is a valid asset name: up to 40 lowercase letters,
/// digits, `-` and `_`, starting with a letter, ending with a letter or
/// digit, no two of `-`/`_` in a row (it becomes `<inventory>-<name>-<region>`
/// identifiers, and RDS refuses two hyphens in a row).
pub(crate) fn is_asset_name(name: &str) -> bool {
    let separator = |c: char| c == '-' || c == '_';
    !name.is_empty()
        && name.len() <= 40
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && !name.ends_with(separator)
        && !name
            .chars()
            .zip(name.chars().skip(1))
            .any(|(x, y)| separator(x) && separator(y))
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || separator(c))
}

/// Whether `name` is a valid inventory name: a DNS label of up to 32
/// characters without `--` (it starts every resource name).
pub(crate) fn is_inventory_name(name: &str) -> bool {
    is_dns_label(name, 32) && !name.contains("--")
}

pub(crate) fn is_dns_label(s: &str, max: usize) -> bool {
    !s.is_empty()
        && s.len() <= max
        && s.starts_with(|c: char| c.is_ascii_lowercase())
        && !s.ends_with('-')
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// Whether `arn` names an IAM role or user (`arn:<partition>:iam::<12 digits>:role/…`).
fn is_iam_principal_arn(arn: &str) -> bool {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    let [prefix, partition, service, region, account, resource] = parts[..] else {
        return false;
    };
    prefix == "arn"
        && partition.starts_with("aws")
        && service == "iam"
        && region.is_empty()
        && account.len() == 12
        && account.bytes().all(|b| b.is_ascii_digit())
        && (resource.starts_with("role/") || resource.starts_with("user/"))
        && resource.len() > 5
}

/// IPv4 blocks reserved for special use (IANA IPv4 Special-Purpose Address
/// Registry, RFC 6890, with multicast and the former class E): private
/// networks, shared address space, loopback, link-local, documentation,
/// benchmarking and the rest. None of them is an address on the internet.
const RESERVED_IPV4: &[&str] = &[
    "0.0.0.0/8",
    "10.0.0.0/8",
    "100.64.0.0/10",
    "127.0.0.0/8",
    "169.254.0.0/16",
    "172.16.0.0/12",
    "192.0.0.0/24",
    "192.0.2.0/24",
    "192.88.99.0/24",
    "192.168.0.0/16",
    "198.18.0.0/15",
    "198.51.100.0/24",
    "203.0.113.0/24",
    "224.0.0.0/4",
    "240.0.0.0/4",
];

/// Why `cidr` of `admin_cidrs` cannot be a source of the EKS public
/// endpoint (`public_access_cidrs`), with what to give instead; None when
/// it can. The endpoint of acmegen's IPv4 clusters takes IPv4 blocks (EKS
/// API Reference, VpcConfigRequest `publicAccessCidrs`: no IPv6 blocks on
/// IPv4 clusters), never the whole internet (acmegen's rule, as the roots'
/// variable validation), and "the block cannot include reserved addresses"
/// (EKS User Guide, "Configure network access to cluster API server
/// endpoint", https://docs.aws.amazon.com/eks/latest/userguide/config-cluster-endpoint.html):
/// EKS refuses a private range at CreateCluster or UpdateClusterConfig.
fn admin_cidr_problem(cidr: &str) -> Option<(String, String)> {
    let Ok(block) = Cidr::covering(cidr) else {
        return Some((
            format!("admin_cidrs: `{cidr}` is not an IPv4 CIDR block"),
            "write each range as a.b.c.d/nn, e.g. the public address of your office or CI runner as a /32 (acmegen's clusters are IPv4: their public endpoint takes no IPv6 blocks)".into(),
        ));
    };
    if block.prefix == 0 {
        return Some((
            format!("admin_cidrs: {cidr} opens the EKS API endpoint to the whole internet"),
            "give the public ranges of your administrators and CI runners (e.g. a /32 per address), or no admin_cidrs to keep the endpoint private".into(),
        ));
    }
    let reserved = RESERVED_IPV4
        .iter()
        .map(|r| r.parse::<Cidr>().expect("a constant CIDR"))
        .find(|r| block.overlaps(*r))?;
    Some((
        format!("admin_cidrs: {cidr} includes reserved addresses ({reserved}), which EKS refuses as sources of a cluster's public endpoint"),
        "give the public (internet) addresses your administrators and CI runners reach the endpoint from; hosts inside the VPC use the private endpoint and need no entry".into(),
    ))
}

/// Whether `name` can name an inventory: a DNS label of at most 32
/// characters (it becomes bucket and resource names) that is not one of
/// the directory names acmegen reserves.
pub fn is_valid_inventory_name(name: &str) -> bool {
    is_dns_label(name, 32) && !crate::output::RESERVED_NAMES.contains(&name)
}

impl<'a> Validator<'a> {
    fn err(&mut self, at: &[Seg<'_>], message: impl Into<String>, help: impl Into<String>) {
        self.errors.push(self.loaded.error(at, message, help));
    }

    fn metadata(&mut self) {
        let inv = &self.loaded.inventory;
        if !is_inventory_name(&inv.name) {
            self.err(
                &[Seg::Key("name")],
                format!("inventory name `{}` is not a valid name", inv.name),
                "use 1-32 lowercase letters, digits and single dashes, starting with a letter (it becomes bucket and resource names; RDS identifiers refuse `--`)",
            );
        }
        if crate::output::RESERVED_NAMES.contains(&inv.name.as_str()) {
            self.err(
                &[Seg::Key("name")],
                format!("inventory name `{}` is reserved", inv.name),
                format!(
                    "acmegen writes files shared by every inventory to <out>/{}; pick another name",
                    inv.name
                ),
            );
        }
        if let Some(account) = inv.account.as_deref() {
            // A DNS label, its drill copies' included (`<account>-drill`).
            let suffix = crate::ci::workflows::DRILL_ACCOUNT_SUFFIX;
            let max = 63 - suffix.len();
            if !is_dns_label(account, max) {
                self.err(
                    &[Seg::Key("account")],
                    format!("account label `{account}` is not a valid label"),
                    format!("use 1-{max} lowercase letters, digits and dashes, starting with a letter: a name for the AWS account, the same in every inventory that deploys into it (the drill copies' account adds `{suffix}`)"),
                );
            }
        }
        for v in crate::limits::check_inventory(inv) {
            self.err(&[Seg::Key(v.field)], v.message, v.help);
        }
        for (key, region) in [("primary", &inv.regions.primary), ("dr", &inv.regions.dr)] {
            if catalog::az_count(region).is_none() {
                let known: Vec<&str> = catalog::REGIONS.iter().map(|(r, _)| *r).collect();
                self.err(
                    &[Seg::Key("regions"), Seg::Key(key)],
                    format!("unknown region `{region}`"),
                    format!(
                        "{}use a commercial AWS region: {}",
                        crate::suggest::did_you_mean(region, known.iter().copied()),
                        known.join(", ")
                    ),
                );
            }
        }
        let prefix = inv
            .state
            .bucket_prefix
            .clone()
            .unwrap_or_else(|| format!("{}-tfstate", inv.name));
        let longest_region = inv.regions.primary.len().max(inv.regions.dr.len());
        if prefix.len() + "-123456789012-".len() + longest_region > 63 || !is_dns_label(&prefix, 63) {
            self.err(
                &[Seg::Key("state"), Seg::Key("bucket_prefix")],
                format!("state bucket `{prefix}-<account ID>-<region>` is not a valid bucket name"),
                "use a bucket_prefix of lowercase letters, digits and dashes, short enough for the 12-digit account ID and the region to follow (63 characters in all)",
            );
        }
        for (i, arn) in inv.cluster_admin_arns.iter().flatten().enumerate() {
            if !is_iam_principal_arn(arn) {
                self.err(
                    &[Seg::Key("cluster_admin_arns"), Seg::Index(i)],
                    format!("`{arn}` is not the ARN of an IAM role or user"),
                    "give ARNs such as arn:aws:iam::123456789012:role/oncall (EKS access entries take roles and users, not groups or assumed-role sessions)",
                );
            }
        }
        for (i, cidr) in inv.admin_cidrs.iter().flatten().enumerate() {
            if let Some((message, help)) = admin_cidr_problem(cidr) {
                self.err(&[Seg::Key("admin_cidrs"), Seg::Index(i)], message, help);
            }
        }
        if inv.regions.primary == inv.regions.dr {
            self.err(
                &[Seg::Key("regions"), Seg::Key("dr")],
                format!("the DR region is the primary region `{}`", inv.regions.dr),
                "DR must survive the loss of the primary region: pick a different region",
            );
        }
    }

    fn network(&mut self) {
        let inv = &self.loaded.inventory;
        let mut cidrs = Vec::new();
        for (key, region, net) in [
            ("primary", &inv.regions.primary, &inv.network.primary),
            ("dr", &inv.regions.dr, &inv.network.dr),
        ] {
            let Some(net) = net else { continue };
            if let Some(c) = self.region_network(key, region, net) {
                cidrs.push(c);
            }
        }
        if let [a, b] = cidrs[..] {
            if a.overlaps(b) {
                self.err(
                    &[Seg::Key("network"), Seg::Key("dr"), Seg::Key("cidr")],
                    format!("DR VPC CIDR {b} overlaps primary VPC CIDR {a}"),
                    "VPC peering and failover need disjoint ranges: e.g. 10.0.0.0/16 primary, 10.1.0.0/16 DR",
                );
            }
        }
    }

    fn region_network(&mut self, key: &'static str, region: &str, net: &RegionNetwork) -> Option<Cidr> {
        let at = |field| [Seg::Key("network"), Seg::Key(key), Seg::Key(field)];
        let out_of_range = crate::limits::check_network(net);
        let prefixes_ok = out_of_range.is_empty();
        for v in out_of_range {
            self.err(&at(v.field), v.message, v.help);
        }
        let cidr = match net.cidr.parse::<Cidr>() {
            Ok(c) => c,
            Err(e) => {
                self.err(
                    &at("cidr"),
                    format!("bad CIDR: {e}"),
                    "write the VPC range as a.b.c.d/nn, e.g. 10.0.0.0/16",
                );
                return None;
            }
        };
        if !(16..=24).contains(&cidr.prefix) {
            self.err(
                &at("cidr"),
                format!("VPC CIDR {cidr} has prefix /{}; AWS VPCs take /16 to /28", cidr.prefix),
                "use a /16 to /24 block so that subnets per AZ fit",
            );
            return None;
        }
        let parsed = |c: &str| c.parse::<Cidr>().expect("a constant CIDR");
        // acmegen's VPCs are private networks behind NAT (VPC User Guide,
        // "VPC CIDR blocks": RFC 1918 ranges recommended).
        let private = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"].map(parsed);
        if !private.into_iter().any(|outer| crate::plan::nacl::within(cidr, outer)) {
            self.err(
                &at("cidr"),
                format!("VPC CIDR {cidr} is not a private range"),
                "use a block of 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16 (RFC 1918), e.g. 10.0.0.0/16",
            );
            return None;
        }
        // The Docker bridge of the servers' container runtime: a VPC in it
        // is unreachable from the containers (and AWS advises against it).
        if cidr.overlaps(parsed("172.17.0.0/16")) {
            self.err(
                &at("cidr"),
                format!("VPC CIDR {cidr} overlaps 172.17.0.0/16, the Docker bridge on acmegen's servers"),
                "use another range (AWS's VPC User Guide advises against 172.17.0.0/16 too), e.g. 10.0.0.0/16",
            );
            return None;
        }
        let max_azs = catalog::az_count(region).unwrap_or(3);
        if let Some(azs) = net.azs {
            if azs == 0 || azs > max_azs {
                self.err(
                    &at("azs"),
                    format!("{azs} availability zones requested but {region} has {max_azs}"),
                    format!("use 1 to {max_azs} AZs in {region}"),
                );
                return Some(cidr);
            }
            if azs == 1 {
                self.two_azs_needed(key, region);
            }
        }
        if prefixes_ok && crate::plan::network::subnets(cidr, net, max_azs).is_none() {
            self.err(
                &at("cidr"),
                format!("the public and private subnets per AZ do not fit in {cidr}"),
                "use a larger VPC CIDR or longer public_prefix/private_prefix",
            );
        }
        Some(cidr)
    }

    /// An error at `network.<key>.azs` (one AZ in `region`) when an asset
    /// that runs in that region needs subnets in two (its spec's `two_azs`):
    /// the render would pass and the apply fail.
    fn two_azs_needed(&mut self, key: &'static str, region: &str) {
        let inv = &self.loaded.inventory;
        let in_region = |a: &&crate::inventory::Asset| key == "primary" || a.in_dr();
        let needing: Vec<String> = inv
            .assets
            .iter()
            .filter(in_region)
            .filter(|a| a.kind.spec().two_azs)
            .map(|a| format!("`{}` ({})", a.name, a.kind))
            .collect();
        let who = match needing.as_slice() {
            [] => return,
            [one] => format!("asset {one} needs"),
            [a, b] => format!("assets {a} and {b} need"),
            [a, b, c] => format!("assets {a}, {b} and {c} need"),
            [a, b, c, rest @ ..] => format!("assets {a}, {b}, {c} and {} more need", rest.len()),
        };
        self.err(
            &[Seg::Key("network"), Seg::Key(key), Seg::Key("azs")],
            format!("1 availability zone in {region}, but {who} subnets in two"),
            "use `azs: 2` or more: AWS refuses an application load balancer, an EKS cluster and a DB subnet group whose subnets are all in one AZ",
        );
    }

    /// An error at the asset's name when an AWS name its modules build from
    /// it (its spec's `aws_names`) would be longer than AWS accepts in a
    /// region it runs in; the first such name only.
    fn aws_names_fit(&mut self, i: usize, a: &Asset, by_name: &BTreeMap<&str, usize>) {
        let inv = &self.loaded.inventory;
        let cluster = a.target.as_deref().filter(|t| by_name.contains_key(t));
        let regions = std::iter::once(&inv.regions.primary).chain(a.in_dr().then_some(&inv.regions.dr));
        if !is_asset_name(&a.name) || !is_inventory_name(&inv.name) {
            return; // refused by name already
        }
        // The worst region: shortening by its excess fits both.
        let Some((o, region)) = regions
            .into_iter()
            .filter_map(|r| crate::kinds::aws_name_overflow(a.kind, &inv.name, &a.name, cluster, r).map(|o| (o, r)))
            .max_by_key(|(o, _)| o.excess())
        else {
            return;
        };
        let (full, len, max) = (&o.full, o.full.len(), o.name.max);
        self.err(
            &[Seg::Key("assets"), Seg::Index(i), Seg::Key("name")],
            format!(
                "{} `{full}` would be {len} characters in {region}; AWS accepts {max}",
                o.name.what
            ),
            format!(
                "shorten {} by {}",
                match o.name.base {
                    crate::kinds::NameBase::Own => "the asset name or the inventory name",
                    crate::kinds::NameBase::Cluster => "the name of the cluster it targets or the inventory name",
                    crate::kinds::NameBase::OnCluster => "the asset name, its cluster's name or the inventory name",
                },
                match o.excess() {
                    1 => "1 character".to_string(),
                    over => format!("{over} characters"),
                }
            ),
        );
    }

    fn assets(&mut self) -> Vec<ValidAsset> {
        let loaded = self.loaded;
        let assets = &loaded.inventory.assets;
        if assets.is_empty() {
            self.err(
                &[Seg::Key("assets")],
                "the inventory has no assets",
                "add at least one Table 1.1 row under `assets:`",
            );
        }
        let inv_name = &loaded.inventory.name;
        let state_prefix =
            crate::plan::names::state_bucket_prefix(inv_name, loaded.inventory.state.bucket_prefix.as_deref());
        let state_names: Vec<&str> = ["tfstate"]
            .into_iter()
            .chain(
                state_prefix
                    .strip_prefix(inv_name.as_str())
                    .and_then(|r| r.strip_prefix('-')),
            )
            .collect();
        let mut by_name: BTreeMap<&str, usize> = BTreeMap::new();
        // Keyed by the Terraform name: `app-1` and `app_1` would both be `module "app_1"`.
        let mut by_ident: BTreeMap<String, usize> = BTreeMap::new();
        for (i, a) in assets.iter().enumerate() {
            by_name.entry(&a.name).or_insert(i);
            if let Some(first) = by_ident.insert(a.ident(), i) {
                by_ident.insert(a.ident(), first);
                let other = &assets[first].name;
                let (message, help) = if *other == a.name {
                    (
                        format!("asset name `{}` is used twice (also asset #{})", a.name, first + 1),
                        "give every asset a unique name".to_string(),
                    )
                } else {
                    (
                        format!(
                            "asset names `{other}` (asset #{}) and `{}` are both Terraform name `{}`",
                            first + 1,
                            a.name,
                            a.ident()
                        ),
                        "rename one: Terraform names write `-` as `_`".to_string(),
                    )
                };
                self.err(&[Seg::Key("assets"), Seg::Index(i), Seg::Key("name")], message, help);
            }
            // `<inventory>-<asset>` is how its buckets, keys and roles start:
            // the state's bucket prefix and key alias would be taken.
            if state_names.contains(&a.name.as_str()) {
                self.err(
                    &[Seg::Key("assets"), Seg::Index(i), Seg::Key("name")],
                    format!(
                        "asset name `{}` is reserved: its resources would be named like the Terraform state's ({}-…, alias/{}-tfstate)",
                        a.name,
                        state_prefix,
                        loaded.inventory.name
                    ),
                    "rename the asset",
                );
            }
            let ident = a.ident();
            let implicit = crate::plan::names::IMPLICIT_LABELS
                .iter()
                .find(|(label, owner)| *label == ident && *owner != Some(a.kind));
            if let Some((label, _)) = implicit {
                self.err(
                    &[Seg::Key("assets"), Seg::Index(i), Seg::Key("name")],
                    format!(
                        "asset name `{}` is reserved: acmegen names a module call of its own `{label}`",
                        a.name
                    ),
                    "rename the asset (e.g. with a prefix of what it serves)",
                );
            }
        }
        for k in Kind::ALL.iter().filter(|k| k.spec().singleton) {
            if assets.iter().filter(|a| a.kind == *k).count() > 1 {
                let i = assets.iter().rposition(|a| a.kind == *k).unwrap_or(0);
                self.err(
                    &[Seg::Key("assets"), Seg::Index(i), Seg::Key("kind")],
                    format!("more than one `{k}` asset"),
                    format!("an inventory has at most one `{k}` per region; merge them"),
                );
            }
        }
        assets
            .iter()
            .enumerate()
            .map(|(i, a)| self.asset(i, a, &by_name))
            .collect()
    }

    fn asset(&mut self, i: usize, a: &Asset, by_name: &BTreeMap<&str, usize>) -> ValidAsset {
        let assets = &self.loaded.inventory.assets;
        let spec = a.kind.spec();
        let at = |field: &'static str| [Seg::Key("assets"), Seg::Index(i), Seg::Key(field)];
        if !is_asset_name(&a.name) {
            self.err(
                &at("name"),
                format!("asset name `{}` is not a valid identifier", a.name),
                "use up to 40 lowercase letters, digits, `-` and `_`, starting with a letter and ending with a letter or digit, no two of `-`/`_` in a row",
            );
        }
        if a.qty == Some(0) {
            self.err(
                &at("qty"),
                format!("asset `{}` has qty 0", a.name),
                "qty counts what runs in the primary region and must be at least 1; remove the asset if it is not needed",
            );
        }
        if !spec.dr.contains(&a.dr) {
            let allowed: Vec<&str> = spec.dr.iter().map(|d| d.as_str()).collect();
            let hint = spec
                .dr_hints
                .iter()
                .find(|(d, _)| *d == a.dr)
                .map(|(_, h)| format!(" ({h})"))
                .or_else(|| (a.dr == DrStrategy::Replica).then(|| " (only data stores and keys replicate)".to_string()))
                .unwrap_or_default();
            self.err(
                &at("dr"),
                format!("DR strategy `{}` is not possible for kind `{}`", a.dr, a.kind),
                format!("use one of: {}{hint}", allowed.join(", ")),
            );
        }
        if a.dr_qty.is_some() && a.dr != DrStrategy::PilotLight {
            self.err(
                &at("dr_qty"),
                format!("dr_qty is set but asset `{}` is `{}`, not pilot-light", a.name, a.dr),
                "remove dr_qty, or set `dr: pilot-light` to run reduced capacity in DR",
            );
        }
        if a.dr == DrStrategy::PilotLight && a.dr_qty == Some(0) && spec.quantity == crate::kinds::Quantity::Pods {
            self.err(
                &at("dr_qty"),
                format!("a pilot-light {} runs at least one replica in DR", a.kind),
                "set dr_qty to 1 or more (its Kubernetes module refuses 0 replicas), or `dr: none` to run nothing in DR",
            );
        }
        self.aws_names_fit(i, a, by_name);
        for v in crate::limits::check_asset(a, self.loaded.inventory.tags.len()) {
            self.err(&at(v.field), v.message, v.help);
        }
        self.fields_for_kind(i, a);
        self.size(i, a);
        let target_valid = self.target(i, a, by_name);

        let options = {
            let mut check = Check {
                loaded: self.loaded,
                index: i,
                by_name,
                database_labels: &self.database_labels,
                load_balancer_names: &self.load_balancer_names,
                errors: &mut self.errors,
                warnings: &mut self.warnings,
            };
            a.kind.check(&mut check, a)
        };

        // DR pre-step: whatever runs in DR needs its dependencies in DR too.
        if a.in_dr() && a.dr != DrStrategy::Backup {
            for dep in a.target.iter().chain(a.key_pair.iter()) {
                if let Some(&j) = by_name.get(dep.as_str()) {
                    if !assets[j].in_dr() {
                        let field = if a.target.as_deref() == Some(dep.as_str()) {
                            "target"
                        } else {
                            "key_pair"
                        };
                        self.err(
                            &at(field),
                            format!(
                                "`{}` is `{}` in DR but depends on `{dep}`, which has `dr: none`",
                                a.name, a.dr
                            ),
                            format!("give `{dep}` a DR strategy too, or set `dr: none` on `{}`", a.name),
                        );
                    }
                }
            }
        }
        let qty = a.qty.unwrap_or(a.kind.spec().default_qty);
        let dr_count = match a.dr {
            DrStrategy::Active | DrStrategy::Replica | DrStrategy::Backup => qty,
            DrStrategy::PilotLight => a.dr_qty.unwrap_or(1),
            DrStrategy::None => 0,
        };
        ValidAsset {
            name: a.name.clone(),
            kind: a.kind,
            purpose: a.purpose.clone(),
            tags: a.tags.clone(),
            dr: a.dr,
            qty,
            dr_count,
            target: a.target.clone().filter(|_| target_valid),
            options,
        }
    }

    /// Fields the asset sets that its kind does not read.
    fn fields_for_kind(&mut self, i: usize, a: &Asset) {
        for field in a.set_fields() {
            if a.kind.spec().fields.contains(&field) {
                continue;
            }
            let names: Vec<&str> = Kind::ALL
                .iter()
                .filter(|k| k.spec().fields.contains(&field))
                .map(|k| k.as_str())
                .collect();
            self.err(
                &[Seg::Key("assets"), Seg::Index(i), Seg::Key(field)],
                format!("field `{field}` does not apply to kind `{}`", a.kind),
                format!("remove it; `{field}` is read only for: {}", names.join(", ")),
            );
        }
    }

    fn size(&mut self, i: usize, a: &Asset) {
        let at = [Seg::Key("assets"), Seg::Index(i), Seg::Key("size")];
        let (db, needs) = match a.kind.spec().size {
            SizeClass::None => return,
            SizeClass::Ec2 { required } => (false, required),
            SizeClass::Db => (true, true),
        };
        match &a.size {
            None if needs => self.err(
                &[Seg::Key("assets"), Seg::Index(i)],
                format!("asset `{}` of kind `{}` has no size", a.name, a.kind),
                format!(
                    "add `size:` with {}",
                    if db {
                        "an RDS class such as db.t3.medium"
                    } else {
                        "an EC2 type such as t3.medium"
                    }
                ),
            ),
            Some(s) if db && !catalog::is_db_class(s) => self.err(
                &at,
                format!("`{s}` is not an RDS instance class in the catalogue"),
                format!(
                    "use a current class such as `{}`; {}",
                    catalog::closest_size(s, true),
                    catalog::describe(true)
                ),
            ),
            Some(s) if !db && !catalog::is_ec2_type(s) => self.err(
                &at,
                format!("`{s}` is not an EC2 instance type in the catalogue"),
                format!(
                    "use a current type such as `{}`; {}",
                    catalog::closest_size(s, false),
                    catalog::describe(false)
                ),
            ),
            _ => {}
        }
    }

    /// The asset's target exists and is of a kind it may target; true when valid.
    fn target(&mut self, i: usize, a: &Asset, by_name: &BTreeMap<&str, usize>) -> bool {
        let assets = &self.loaded.inventory.assets;
        let kinds = a.kind.target_kinds();
        if kinds.is_empty() {
            return false;
        }
        let names: Vec<&str> = kinds.iter().map(|k| k.as_str()).collect();
        let Some(t) = &a.target else {
            self.err(
                &[Seg::Key("assets"), Seg::Index(i)],
                format!("`{}` ({}) has no target", a.name, a.kind),
                format!("add `target:` naming the {} asset it belongs to", names.join(" or ")),
            );
            return false;
        };
        let at = [Seg::Key("assets"), Seg::Index(i), Seg::Key("target")];
        match by_name.get(t.as_str()) {
            None => {
                self.err(
                    &at,
                    format!("target `{t}` is not an asset of this inventory"),
                    format!("name a {} asset", names.join(" or ")),
                );
                false
            }
            Some(&j) if !kinds.contains(&assets[j].kind) => {
                self.err(
                    &at,
                    format!(
                        "`{}` ({}) cannot target `{t}`, which is a {}",
                        a.name, a.kind, assets[j].kind
                    ),
                    format!("name a {} asset", names.join(" or ")),
                );
                false
            }
            Some(_) => true,
        }
    }
}

impl Validator<'_> {
    /// Planned usage of each default service quota, per region, against the
    /// account's limits (the defaults, or what `quotas:` states).
    fn quotas(&mut self) {
        let inv = &self.loaded.inventory;
        for (region, stated) in &inv.quotas {
            if region != &inv.regions.primary && region != &inv.regions.dr {
                self.err(
                    &[Seg::Key("quotas"), Seg::Key(region)],
                    format!("quotas for `{region}`, which is neither region of the inventory"),
                    format!("state quotas under `{}` or `{}`", inv.regions.primary, inv.regions.dr),
                );
            }
            for key in stated.keys() {
                if !crate::quotas::QUOTAS.iter().any(|q| q.key == key) {
                    let known: Vec<&str> = crate::quotas::QUOTAS.iter().map(|q| q.key).collect();
                    self.err(
                        &[Seg::Key("quotas"), Seg::Key(region), Seg::Key(key)],
                        format!("unknown quota `{key}`"),
                        format!("acmegen checks: {}", known.join(", ")),
                    );
                }
            }
        }
        for q in crate::quotas::QUOTAS {
            for u in crate::quotas::launch_usage(inv, q.key) {
                let limit = crate::quotas::limit(&inv.quotas, &u.region, q);
                if u.total > limit {
                    let stated = inv.quotas.get(&u.region).is_some_and(|m| m.contains_key(q.key));
                    self.err(
                        &[Seg::Key("regions")],
                        format!(
                            "{} {} planned in {} ({}), over the {} quota of {limit} ({} {}{})",
                            u.total,
                            q.what,
                            u.region,
                            u.parts.join(", "),
                            if stated { "stated" } else { "default" },
                            q.service,
                            q.code,
                            if stated { "" } else { ", a new account's value" }
                        ),
                        format!(
                            "raise it first: `{}`; then state the new value in the inventory: `quotas: {{{}: {{{}: {}}}}}`{}",
                            crate::quotas::raise_command(q, u.total, &u.region),
                            u.region,
                            q.key,
                            u.total,
                            if q.key == "elastic_ips" {
                                "; or plan fewer (e.g. one shared NAT gateway: `network.<region>.nat_per_az: false`)"
                            } else {
                                ""
                            }
                        ),
                    );
                }
            }
        }
    }
}

/// Why `domain` can never be delegated to a hosted zone of the user's (the
/// documentation and test names of RFC 2606 and RFC 6761), if it is such a name.
pub fn reserved_domain(domain: &str) -> Option<&'static str> {
    let d = domain.trim_end_matches('.').to_ascii_lowercase();
    let under = |base: &str| d == base || d.ends_with(&format!(".{base}"));
    if ["example.com", "example.net", "example.org"].iter().any(|b| under(b)) {
        Some("reserved for documentation (RFC 2606)")
    } else if ["example", "test", "invalid", "localhost", "local"]
        .iter()
        .any(|b| under(b))
    {
        Some("under a reserved top-level domain (RFC 2606/6761)")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inventory::parse;
    use std::path::Path;

    fn errors(assets: &str) -> Vec<String> {
        errors_in(&format!(
            "name: t\nowner: me\nregions: {{primary: us-east-2, dr: us-west-1}}\nassets:\n{assets}"
        ))
    }

    /// The validation errors of inventory `text`, as `line:column message`.
    fn errors_in(text: &str) -> Vec<String> {
        match validate(&parse(text, Path::new("t.yaml")).unwrap()) {
            Ok(_) => vec![],
            Err(d) => {
                d.0.iter()
                    .map(|d| format!("{}:{} {}", d.line, d.column, d.message))
                    .collect()
            }
        }
    }

    /// The errors of an inventory with `network` (YAML under `network:`) and `assets`.
    fn network_errors(network: &str, assets: &str) -> Vec<String> {
        errors_in(&format!(
            "name: t\nowner: me\nregions: {{primary: us-east-2, dr: us-west-1}}\nnetwork:\n{network}assets:\n{assets}"
        ))
    }

    /// Private ranges in admin_cidrs rendered (exit 0) into the clusters'
    /// public_access_cidrs, which EKS refuses at CreateCluster.
    #[test]
    fn admin_cidrs_are_public_ipv4_ranges() {
        let eks = "  - {kind: eks, name: k8s, size: m6i.large, qty: 2, version: \"1.35\", dr: active}\n";
        let with = |cidrs: &[&str]| {
            let list: String = cidrs.iter().map(|c| format!("  - \"{c}\"\n")).collect();
            errors_in(&format!(
                "name: t\nowner: me\nregions: {{primary: us-east-2, dr: us-west-1}}\nadmin_cidrs:\n{list}assets:\n{eks}"
            ))
        };
        let e = with(&[
            "8.8.8.8/32",
            "10.0.0.0/8",
            "172.20.1.0/24",
            "192.168.1.10/32",
            "203.0.113.0/24",
        ]);
        assert_eq!(
            e,
            vec![
                "6:3 admin_cidrs: 10.0.0.0/8 includes reserved addresses (10.0.0.0/8), which EKS refuses as sources of a cluster's public endpoint",
                "7:3 admin_cidrs: 172.20.1.0/24 includes reserved addresses (172.16.0.0/12), which EKS refuses as sources of a cluster's public endpoint",
                "8:3 admin_cidrs: 192.168.1.10/32 includes reserved addresses (192.168.0.0/16), which EKS refuses as sources of a cluster's public endpoint",
                "9:3 admin_cidrs: 203.0.113.0/24 includes reserved addresses (203.0.113.0/24), which EKS refuses as sources of a cluster's public endpoint",
            ]
        );
        assert_eq!(with(&["198.18.0.0/24", "8.8.8.8/32"]).len(), 1);
        // A block that only contains a reserved range includes it too.
        assert!(with(&["8.0.0.0/6"])[0].contains("includes reserved addresses (10.0.0.0/8)"));
        assert_eq!(
            with(&["0.0.0.0/0"]),
            vec!["5:3 admin_cidrs: 0.0.0.0/0 opens the EKS API endpoint to the whole internet"]
        );
        for bad in ["8.8.8.8", "2001:db8::/32", "8.8.8.256/32", "8.8.8.8/33"] {
            let e = with(&[bad]);
            assert_eq!(e.len(), 1, "{bad}: {e:?}");
            assert!(e[0].contains("is not an IPv4 CIDR block"), "{bad}: {e:?}");
        }
        // Host bits do not hide a private address.
        assert!(with(&["10.1.2.3/8"])[0].contains("10.1.2.3/8 includes reserved addresses (10.0.0.0/8)"));
        assert!(with(&["8.8.8.8/32", "1.1.1.0/24"]).is_empty());
    }

    #[test]
    fn a_vpc_is_a_private_range_clear_of_the_docker_bridge() {
        let vm = "  - {kind: vm, name: app, size: t3.micro, image: nginx, dr: active}\n";
        let net = |primary: &str| format!("  primary:\n    cidr: {primary}\n  dr:\n    cidr: 10.1.0.0/16\n");
        let e = network_errors(&net("172.17.0.0/16"), vm);
        assert_eq!(
            e,
            vec![
                "6:5 VPC CIDR 172.17.0.0/16 overlaps 172.17.0.0/16, the Docker bridge on acmegen's servers".to_string()
            ]
        );
        let e = network_errors(&net("100.64.0.0/16"), vm);
        assert_eq!(e, vec!["6:5 VPC CIDR 100.64.0.0/16 is not a private range".to_string()]);
        for ok in ["10.0.0.0/16", "172.16.0.0/16", "172.18.0.0/16", "192.168.0.0/16"] {
            assert!(network_errors(&net(ok), vm).is_empty(), "{ok}");
        }
    }

    #[test]
    fn one_az_is_refused_where_an_asset_needs_subnets_in_two() {
        let one_az_dr = "  primary:\n    cidr: 10.0.0.0/16\n  dr:\n    cidr: 10.1.0.0/16\n    azs: 1\n";
        let lb = "  - {kind: vm, name: app, size: t3.micro, image: nginx, dr: active}\n  - {kind: alb, name: lb, target: app, dr: active}\n";
        let e = network_errors(one_az_dr, lb);
        assert_eq!(
            e,
            vec!["9:5 1 availability zone in us-west-1, but asset `lb` (alb) needs subnets in two".to_string()]
        );
        // Kept out of DR, the load balancer does not run on the one-AZ network.
        let e = network_errors(one_az_dr, &lb.replace("dr: active}\n", "dr: none}\n"));
        assert!(e.is_empty(), "{e:?}");
        // Servers alone run in one AZ.
        let e = network_errors(
            "  primary: {cidr: 10.0.0.0/16, azs: 1}\n  dr: {cidr: 10.1.0.0/16, azs: 1}\n",
            "  - {kind: vm, name: app, size: t3.micro, image: nginx, dr: active}\n",
        );
        assert!(e.is_empty(), "{e:?}");
        let e = network_errors(
            "  primary:\n    cidr: 10.0.0.0/16\n    azs: 1\n  dr:\n    cidr: 10.1.0.0/16\n",
            "  - {kind: eks, name: k, size: t3.medium, version: \"1.34\", dr: none}\n  - {kind: rds, name: db, size: db.t3.medium, engine: postgres, engine_version: \"16\", dr: none}\n",
        );
        assert_eq!(
            e,
            vec![
                "7:5 1 availability zone in us-east-2, but assets `k` (eks) and `db` (rds) need subnets in two"
                    .to_string()
            ]
        );
    }

    #[test]
    fn names_end_with_a_letter_or_digit_and_never_double_a_separator() {
        for name in ["db-", "db_", "a--b", "a_-b"] {
            let e = errors(&format!(
                "  - {{kind: vm, name: {name}, size: t3.micro, image: nginx, dr: none}}\n"
            ));
            assert_eq!(e.len(), 1, "{name}: {e:?}");
            assert!(
                e[0].contains(&format!("asset name `{name}` is not a valid identifier")),
                "{e:?}"
            );
        }
        assert!(errors("  - {kind: vm, name: a-b_c9, size: t3.micro, image: nginx, dr: none}\n").is_empty());
        let text = "name: a--b\nowner: me\nregions: {primary: us-east-2, dr: us-west-1}\nassets:\n  - {kind: vm, name: app, size: t3.micro, dr: none}\n";
        let e = validate(&parse(text, Path::new("t.yaml")).unwrap()).expect_err("refused");
        assert!(
            e.0[0].message.contains("inventory name `a--b` is not a valid name"),
            "{e}"
        );
    }

    #[test]
    fn aws_names_built_from_asset_names_must_fit() {
        // `t-<asset>-use2-monitoring` is the database's monitoring role: at most 64.
        let db = |name: &str| {
            format!("  - {{kind: rds, name: {name}, size: db.t3.medium, engine: postgres, engine_version: \"16\", dr: none}}\n")
        };
        // 58 characters: fits.
        assert!(errors(&db(&"a".repeat(40))).is_empty());
        let e = network_free_errors_with_name(&"i".repeat(32), &db("payments-ledger-db-primary"));
        assert_eq!(e.len(), 1, "{e:?}");
        // The worst of its names: the identifier kept aside at failback.
        assert!(e[0].contains("DB instance identifier (kept aside at failback) `iiiiiiiiiiiiiiiiiiiiiiiiiiiiiiii-payments-ledger-db-primary-use2-stale-00000000` would be 79 characters in us-east-2; AWS accepts 63"), "{e:?}");
        // On a cluster: the autoscaler's role is named after the cluster.
        let cluster = format!("  - {{kind: eks, name: {}, size: t3.medium, version: \"1.34\", dr: none}}\n  - {{kind: cluster_addons, name: addons, target: {}, dr: none}}\n", "c".repeat(39), "c".repeat(39));
        let e = network_free_errors_with_name(&"i".repeat(10), &cluster);
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(e[0].contains("-cluster-autoscaler` would be 74 characters"), "{e:?}");
    }

    /// The errors of an inventory named `name` holding `assets`.
    fn network_free_errors_with_name(name: &str, assets: &str) -> Vec<String> {
        errors_in(&format!(
            "name: {name}\nowner: me\nregions: {{primary: us-east-2, dr: us-west-1}}\nassets:\n{assets}"
        ))
    }

    #[test]
    fn names_that_are_one_terraform_name_are_refused() {
        let vm = |name: &str| format!("  - {{kind: vm, name: {name}, size: t3.micro, image: nginx, dr: none}}\n");
        let e = errors(&(vm("data-1") + &vm("data_1")));
        assert_eq!(
            e,
            vec!["6:3 asset names `data-1` (asset #1) and `data_1` are both Terraform name `data_1`".to_string()]
        );
        let e = errors(&(vm("data") + &vm("data")));
        assert_eq!(
            e,
            vec!["6:3 asset name `data` is used twice (also asset #1)".to_string()]
        );
    }

    #[test]
    fn names_of_acmegens_own_module_calls_are_reserved() {
        for name in [
            "facts",
            "private-zone",
            "replication_alarms",
            "ecr-replication",
            "vpc",
            "kms",
        ] {
            let e = errors(&format!(
                "  - {{kind: vm, name: {name}, size: t3.micro, image: nginx, dr: none}}\n"
            ));
            assert_eq!(e.len(), 1, "{name}: {e:?}");
            assert!(e[0].contains(&format!("asset name `{name}` is reserved")), "{e:?}");
        }
        // A network or key asset takes the label its implicit stand-in would have.
        let e = errors("  - {kind: vpc, name: vpc, dr: active}\n  - {kind: kms, name: kms, dr: active}\n");
        assert!(e.is_empty(), "{e:?}");
    }

    #[test]
    fn names_of_the_terraform_state_are_reserved() {
        let e = errors("  - {kind: s3, name: tfstate, dr: none}\n");
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(e[0].contains("asset name `tfstate` is reserved: its resources would be named like the Terraform state's (t-tfstate-…"), "{e:?}");
        let text = "name: t\nowner: me\nregions: {primary: us-east-2, dr: us-west-1}\nstate: {bucket_prefix: t-archive}\nassets:\n  - {kind: s3, name: archive, dr: none}\n";
        let e = validate(&parse(text, Path::new("t.yaml")).unwrap()).expect_err("refused");
        assert!(e.0[0].message.contains("asset name `archive` is reserved"), "{e}");
    }

    #[test]
    fn a_pilot_light_workload_keeps_a_replica_in_dr() {
        let cluster = "  - {kind: eks, name: k, size: t3.medium, version: \"1.34\", dr: active}\n";
        let e = errors(&format!(
            "{cluster}  - {{kind: traefik, name: edge, target: k, qty: 2, dr: pilot-light, dr_qty: 0}}\n"
        ));
        assert_eq!(
            e,
            vec!["6:3 a pilot-light traefik runs at least one replica in DR".to_string()]
        );
        // Servers may stand at zero in a pilot light.
        let e = errors("  - {kind: vm, name: app, size: t3.micro, image: nginx, dr: pilot-light, dr_qty: 0}\n");
        assert!(e.is_empty(), "{e:?}");
    }

    #[test]
    fn an_app_listens_on_an_unprivileged_port() {
        let cluster = "  - {kind: eks, name: k, size: t3.medium, version: \"1.34\", dr: active}\n";
        let app = |port: u32| {
            format!("{cluster}  - {{kind: app, name: web, target: k, image: \"public.ecr.aws/nginx/nginx:1.27\", port: {port}, dr: active}}\n")
        };
        let short = format!(
            "{cluster}  - {{kind: app, name: w, target: k, image: \"public.ecr.aws/nginx/nginx:1.27\", dr: active}}\n"
        );
        let e = errors(&short);
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(
            e[0].contains("app `w` would name its Helm release `w`, which the k8s_app module refuses"),
            "{e:?}"
        );
        let e = errors(&app(80));
        assert_eq!(e, vec!["6:3 asset `web` (app) `port: 80` is out of range".to_string()]);
        assert!(errors(&app(8080)).is_empty());
    }

    #[test]
    fn rejects_active_database() {
        let e = errors("  - kind: rds\n    name: db\n    size: db.t3.medium\n    engine: postgres\n    engine_version: \"16\"\n    dr: active\n");
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(
            e[0].starts_with("10:5 DR strategy `active` is not possible for kind `rds`"),
            "{e:?}"
        );
    }

    #[test]
    fn collects_all_problems() {
        let e = errors("  - {kind: vm, name: app, size: t2.micro, qty: 0, dr: active}\n  - {kind: alb, name: lb, target: nope, dr: active}\n");
        assert_eq!(e.len(), 3, "{e:?}");
    }

    #[test]
    fn dr_dependency_must_exist_in_dr() {
        let e = errors(
            "  - {kind: vm, name: app, size: t3.micro, image: nginx, dr: none}\n  - {kind: alb, name: lb, target: app, dr: active}\n",
        );
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(e[0].contains("depends on `app`, which has `dr: none`"));
    }

    #[test]
    fn pinned_minor_versions_and_retired_kubernetes_are_rejected() {
        let e = errors("  - {kind: rds, name: db, size: db.t3.medium, engine: postgres, engine_version: \"16.4\", dr: replica}\n  - {kind: eks, name: k, size: t3.medium, version: \"1.33\", dr: active}\n");
        assert_eq!(e.len(), 2, "{e:?}");
        assert!(e[0].contains("engine_version \"16.4\" pins a minor version"), "{e:?}");
        assert!(e[1].contains("Kubernetes 1.33 left EKS standard support"), "{e:?}");
    }

    #[test]
    fn default_quotas_are_checked_per_region() {
        let vm = "  - {kind: vm, name: app, size: t3.micro, qty: 3, dr: active}\n  - {kind: eip, name: ips, qty: 3, target: app, dr: active}\n";
        let e = errors(vm);
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(
            e[0].contains("6 Elastic IP addresses planned in us-east-2 (3 for NAT gateways, 3 for ips), over the default quota of 5 (ec2 L-0263D0A3"),
            "{e:?}"
        );
        let text = format!("name: t\nowner: me\nregions: {{primary: us-east-2, dr: us-west-1}}\nquotas: {{us-east-2: {{elastic_ips: 6}}}}\nassets:\n{vm}");
        let loaded = crate::inventory::parse(&text, std::path::Path::new("t.yaml")).unwrap();
        assert!(validate(&loaded).is_ok(), "a stated quota lifts the limit");
    }

    #[test]
    fn the_on_demand_vcpu_quota_counts_launched_nodes_and_the_dr_scale_up() {
        // 3 nodes of 16 vCPUs each: 48 launched in the primary; the pilot
        // light in DR scales to the same 3 nodes in a failover.
        let eks = "  - {kind: eks, name: k, size: m6i.4xlarge, qty: 3, version: \"1.35\", dr: pilot-light}\n";
        let e = errors(eks);
        assert_eq!(e.len(), 2, "{e:?}");
        assert!(
            e[0].contains("48 vCPUs of running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances planned in us-east-2 (48 for k (3 nodes × m6i.4xlarge)), over the default quota of 32 (ec2 L-1216C47A"),
            "{e:?}"
        );
        assert!(e[1].contains("planned in us-west-1"), "{e:?}");
        let text = format!("name: t\nowner: me\nregions: {{primary: us-east-2, dr: us-west-1}}\nquotas: {{us-east-2: {{on_demand_standard_vcpus: 128}}, us-west-1: {{on_demand_standard_vcpus: 96}}}}\nassets:\n{eks}");
        let loaded = crate::inventory::parse(&text, std::path::Path::new("t.yaml")).unwrap();
        assert!(validate(&loaded).is_ok(), "stated quotas lift the limit");
    }

    #[test]
    fn scaling_past_the_vcpu_quota_is_left_to_the_plan_time_check() {
        // 1 node launched (16 vCPUs) fits; the maximum of 6 (96) does not:
        // it renders, and the roots' plan-time check gets the maximum.
        let eks = "  - {kind: eks, name: k, size: m6i.4xlarge, qty: 1, max: 6, version: \"1.35\", dr: pilot-light}\n";
        assert_eq!(errors(eks), Vec::<String>::new());
        let text = format!("name: t\nowner: me\nregions: {{primary: us-east-2, dr: us-west-1}}\nassets:\n{eks}");
        let loaded = crate::inventory::parse(&text, std::path::Path::new("t.yaml")).unwrap();
        let at_most = crate::quotas::usage(&loaded.inventory, "on_demand_standard_vcpus");
        assert_eq!(at_most[0].total, 96, "{at_most:?}");
        assert_eq!(
            at_most[0].parts,
            vec!["96 for k (6 nodes at most × m6i.4xlarge)".to_string()]
        );
    }

    #[test]
    fn field_of_other_kind_is_rejected() {
        let e = errors("  - kind: s3\n    name: data\n    engine: postgres\n    dr: replica\n");
        assert_eq!(e, vec!["7:5 field `engine` does not apply to kind `s3`".to_string()]);
    }

    #[test]
    fn engine_version_must_match_in_dr() {
        let e = errors("  - {kind: rds, name: db, size: db.t3.medium, engine: postgres, engine_version: \"16\", dr_engine_version: \"15\", dr: replica}\n");
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(e[0].contains("DR engine version 15 differs from primary engine version 16"));
    }
}
