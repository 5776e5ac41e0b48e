//! Stage 2: check an inventory for everything serde cannot: references,
//! DR strategies per kind, catalogue sizes, CIDRs, and the design docs' DR
//! pre-steps (same engine version in DR, dependencies present in DR).
//! Every problem is collected; nothing stops at the first one.

use crate::catalog;
use crate::cidr::Cidr;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::inventory::{Asset, DrStrategy, Kind, Loaded, RegionNetwork, Seg};
use std::collections::BTreeMap;

/// CloudWatch Logs accepts only these retention periods.
pub const LOG_RETENTION_DAYS: &[u32] = &[
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];

/// Validate a parsed inventory; Ok when it can be planned.
pub fn validate(loaded: &Loaded) -> Result<(), Diagnostics> {
    let mut v = Validator {
        loaded,
        errors: Vec::new(),
    };
    v.metadata();
    v.errors.extend(crate::ci::validate(loaded));
    v.network();
    v.assets();
    if v.errors.is_empty() {
        // Quotas need a valid network plan (NAT gateways per AZ).
        v.quotas();
    }
    if v.errors.is_empty() {
        Ok(())
    } else {
        Err(Diagnostics(v.errors))
    }
}

struct Validator<'a> {
    loaded: &'a Loaded,
    errors: Vec<Diagnostic>,
}

fn is_dns_label(s: &str, max: usize) -> bool {
    !s.is_empty()
        && s.len() <= max
        && s.starts_with(|c: char| c.is_ascii_lowercase())
        && !s.ends_with('-')
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
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
        if !is_dns_label(&inv.name, 32) {
            self.err(
                &[Seg::Key("name")],
                format!("inventory name `{}` is not a valid name", inv.name),
                "use 1-32 lowercase letters, digits and dashes, starting with a letter (it becomes bucket and resource names)",
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

    fn assets(&mut self) {
        let assets = &self.loaded.inventory.assets;
        if assets.is_empty() {
            self.err(
                &[Seg::Key("assets")],
                "the inventory has no assets",
                "add at least one Table 1.1 row under `assets:`",
            );
        }
        let mut by_name: BTreeMap<&str, usize> = BTreeMap::new();
        for (i, a) in assets.iter().enumerate() {
            if let Some(first) = by_name.insert(&a.name, i) {
                by_name.insert(&assets[first].name, first);
                self.err(
                    &[Seg::Key("assets"), Seg::Index(i), Seg::Key("name")],
                    format!("asset name `{}` is used twice (also asset #{})", a.name, first + 1),
                    "give every asset a unique name",
                );
            }
        }
        let count = |k: Kind| assets.iter().filter(|a| a.kind == k).count();
        for k in [Kind::Vpc, Kind::VpcPeering, Kind::Cloudtrail] {
            if count(k) > 1 {
                let i = assets.iter().rposition(|a| a.kind == k).unwrap_or(0);
                self.err(
                    &[Seg::Key("assets"), Seg::Index(i), Seg::Key("kind")],
                    format!("more than one `{k}` asset"),
                    format!("an inventory has at most one `{k}` per region; merge them"),
                );
            }
        }
        for (i, a) in assets.iter().enumerate() {
            self.asset(i, a, &by_name);
        }
        if !self.loaded.inventory.ebs_default_encryption {
            if let Some(i) = assets.iter().position(|a| a.kind == Kind::K8sMonitoring) {
                self.err(
                    &[Seg::Key("assets"), Seg::Index(i), Seg::Key("kind")],
                    format!(
                        "`{}` keeps Prometheus and Grafana on EBS volumes, which are only encrypted with the region's key when EBS encryption by default is on",
                        assets[i].name
                    ),
                    "add `ebs_default_encryption: true` at the top of the inventory: acmegen then turns on EBS encryption by default with the region's key, an account-and-region-wide setting",
                );
            }
        }
        if let Some(i) = assets.iter().position(|a| a.kind == Kind::Vpc && !a.in_dr()) {
            let in_dr = assets.iter().find(|a| a.kind.needs_vpc() && a.in_dr());
            if let Some(user) = in_dr {
                self.err(
                    &[Seg::Key("assets"), Seg::Index(i), Seg::Key("dr")],
                    format!(
                        "the VPC has `dr: none` but `{}` runs in DR and needs a network there",
                        user.name
                    ),
                    "set `dr: active` on the vpc asset",
                );
            }
        }
    }

    fn asset(&mut self, i: usize, a: &Asset, by_name: &BTreeMap<&str, usize>) {
        let assets = &self.loaded.inventory.assets;
        let at = |field: &'static str| [Seg::Key("assets"), Seg::Index(i), Seg::Key(field)];
        let valid_name = !a.name.is_empty()
            && a.name.len() <= 40
            && a.name.starts_with(|c: char| c.is_ascii_lowercase())
            && a.name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
        if !valid_name {
            self.err(
                &at("name"),
                format!("asset name `{}` is not a valid identifier", a.name),
                "use up to 40 lowercase letters, digits, `-` and `_`, starting with a letter",
            );
        }
        if a.qty == Some(0) {
            self.err(
                &at("qty"),
                format!("asset `{}` has qty 0", a.name),
                "qty counts what runs in the primary region and must be at least 1; remove the asset if it is not needed",
            );
        }
        if !a.kind.allowed_dr().contains(&a.dr) {
            let allowed: Vec<&str> = a.kind.allowed_dr().iter().map(|d| d.as_str()).collect();
            self.err(
                &at("dr"),
                format!("DR strategy `{}` is not possible for kind `{}`", a.dr, a.kind),
                format!("use one of: {}{}", allowed.join(", "), dr_hint(a.kind, a.dr)),
            );
        }
        if a.dr_qty.is_some() && a.dr != DrStrategy::PilotLight {
            self.err(
                &at("dr_qty"),
                format!("dr_qty is set but asset `{}` is `{}`, not pilot-light", a.name, a.dr),
                "remove dr_qty, or set `dr: pilot-light` to run reduced capacity in DR",
            );
        }
        if a.dr == DrStrategy::PilotLight && a.kind == Kind::Eks && a.dr_qty == Some(0) {
            self.err(
                &at("dr_qty"),
                "an EKS pilot light needs at least one node (core add-ons must schedule)",
                "set dr_qty to 1 or more",
            );
        }
        for v in crate::limits::check_asset(a, self.loaded.inventory.tags.len()) {
            self.err(&at(v.field), v.message, v.help);
        }
        self.fields_for_kind(i, a);
        self.size(i, a);
        self.target(i, a, by_name);
        self.kind_specific(i, a, by_name);

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
    }

    fn fields_for_kind(&mut self, i: usize, a: &Asset) {
        use Kind::*;
        let fields: [(&'static str, bool, &[Kind]); 27] = [
            ("image_tag", a.image_tag.is_some(), &[Ecr]),
            ("dr_image_tag", a.dr_image_tag.is_some(), &[Ecr]),
            ("size", a.size.is_some(), &[Vm, Bastion, Eks, Rds, Aurora]),
            (
                "target",
                a.target.is_some(),
                &[Alb, Eip, K8sMonitoring, Route53, GlobalAccelerator],
            ),
            ("port", a.port.is_some(), &[Vm, Alb]),
            ("image", a.image.is_some(), &[Vm]),
            ("container_port", a.container_port.is_some(), &[Vm]),
            ("subnet", a.subnet.is_some(), &[Vm]),
            ("key_pair", a.key_pair.is_some(), &[Vm, Bastion]),
            ("volume_gb", a.volume_gb.is_some(), &[Vm, Bastion, Eks]),
            ("ssh_cidrs", a.ssh_cidrs.is_some(), &[Bastion]),
            ("certificate_arn", a.certificate_arn.is_some(), &[Alb]),
            (
                "health_check_path",
                a.health_check_path.is_some(),
                &[Alb, Route53, GlobalAccelerator],
            ),
            ("version", a.version.is_some(), &[Eks]),
            ("min", a.min.is_some(), &[Eks]),
            ("max", a.max.is_some(), &[Eks]),
            ("chart_version", a.chart_version.is_some(), &[K8sMonitoring]),
            ("engine", a.engine.is_some(), &[Rds, Aurora]),
            ("engine_version", a.engine_version.is_some(), &[Rds, Aurora]),
            ("dr_engine_version", a.dr_engine_version.is_some(), &[Rds, Aurora]),
            ("storage_gb", a.storage_gb.is_some(), &[Rds]),
            ("multi_az", a.multi_az.is_some(), &[Rds]),
            ("db_name", a.db_name.is_some(), &[Rds, Aurora]),
            (
                "retention_days",
                a.retention_days.is_some(),
                &[Rds, Aurora, Cloudwatch, Cloudtrail, S3],
            ),
            ("zone", a.zone.is_some(), &[Route53]),
            ("zone_id", a.zone_id.is_some(), &[Route53]),
            ("record", a.record.is_some(), &[Route53]),
        ];
        for (field, set, kinds) in fields {
            if set && !kinds.contains(&a.kind) {
                let names: Vec<&str> = kinds.iter().map(|k| k.as_str()).collect();
                self.err(
                    &[Seg::Key("assets"), Seg::Index(i), Seg::Key(field)],
                    format!("field `{field}` does not apply to kind `{}`", a.kind),
                    format!("remove it; `{field}` is read only for: {}", names.join(", ")),
                );
            }
        }
    }

    fn size(&mut self, i: usize, a: &Asset) {
        let at = [Seg::Key("assets"), Seg::Index(i), Seg::Key("size")];
        let db = matches!(a.kind, Kind::Rds | Kind::Aurora);
        let needs = matches!(a.kind, Kind::Vm | Kind::Eks | Kind::Rds | Kind::Aurora);
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

    fn target(&mut self, i: usize, a: &Asset, by_name: &BTreeMap<&str, usize>) {
        let assets = &self.loaded.inventory.assets;
        let kinds = a.kind.target_kinds();
        if kinds.is_empty() {
            return;
        }
        let names: Vec<&str> = kinds.iter().map(|k| k.as_str()).collect();
        let Some(t) = &a.target else {
            self.err(
                &[Seg::Key("assets"), Seg::Index(i)],
                format!("`{}` ({}) has no target", a.name, a.kind),
                format!("add `target:` naming the {} asset it belongs to", names.join(" or ")),
            );
            return;
        };
        let at = [Seg::Key("assets"), Seg::Index(i), Seg::Key("target")];
        match by_name.get(t.as_str()) {
            None => self.err(
                &at,
                format!("target `{t}` is not an asset of this inventory"),
                format!("name a {} asset", names.join(" or ")),
            ),
            Some(&j) if !kinds.contains(&assets[j].kind) => self.err(
                &at,
                format!(
                    "`{}` ({}) cannot target `{t}`, which is a {}",
                    a.name, a.kind, assets[j].kind
                ),
                format!("name a {} asset", names.join(" or ")),
            ),
            // A target with qty 0 has its own error; "use qty 0 or less" would mislead.
            Some(&j) if a.kind == Kind::Eip && assets[j].qty() > 0 && a.qty() > assets[j].qty() => self.err(
                &[Seg::Key("assets"), Seg::Index(i), Seg::Key("qty")],
                format!("{} Elastic IPs for {} instances of `{t}`", a.qty(), assets[j].qty()),
                format!(
                    "an Elastic IP points at one instance: use qty {} or less",
                    assets[j].qty()
                ),
            ),
            _ => {}
        }
    }

    fn kind_specific(&mut self, i: usize, a: &Asset, by_name: &BTreeMap<&str, usize>) {
        let assets = &self.loaded.inventory.assets;
        let at = |field: &'static str| [Seg::Key("assets"), Seg::Index(i), Seg::Key(field)];
        let here = [Seg::Key("assets"), Seg::Index(i)];
        if let Some(k) = &a.key_pair {
            match by_name.get(k.as_str()) {
                Some(&j) if assets[j].kind == Kind::KeyPair => {}
                _ => self.err(
                    &at("key_pair"),
                    format!("key_pair `{k}` is not a key_pair asset"),
                    "add a `kind: key_pair` asset with that name, or remove key_pair",
                ),
            }
        }
        if matches!(a.kind, Kind::S3 | Kind::Cloudtrail) {
            let longest = self.loaded.inventory.name.len() + a.name.len() + "--123456789012-ap-southeast-2".len();
            if longest > 63 {
                self.err(
                    &at("name"),
                    format!(
                        "bucket name `{}-{}-<account ID>-<region>` would exceed 63 characters",
                        self.loaded.inventory.name, a.name
                    ),
                    "shorten the asset or inventory name (bucket names carry the 12-digit account ID to be globally unique)",
                );
            }
        }
        match a.kind {
            Kind::Rds | Kind::Aurora => {
                if a.engine.is_none() {
                    self.err(
                        &here,
                        format!("database `{}` has no engine", a.name),
                        "add `engine: postgres` or `engine: mysql`",
                    );
                }
                match &a.engine_version {
                    None => self.err(
                        &here,
                        format!("database `{}` has no engine_version", a.name),
                        "add the major version, e.g. `engine_version: \"17\"`; DR runs the same version",
                    ),
                    Some(v) => {
                        if let Some(engine) = a.engine {
                            let global = a.kind == Kind::Aurora && a.dr == DrStrategy::Replica;
                            if let Some((message, help)) = crate::versions::engine_problem(a.kind, engine, v, global) {
                                self.err(&at("engine_version"), message, help);
                            }
                        }
                        if let Some(dv) = &a.dr_engine_version {
                            if dv != v && a.in_dr() {
                                self.err(
                                    &at("dr_engine_version"),
                                    format!("DR engine version {dv} differs from primary engine version {v}"),
                                    "the DR plan requires the same engine and family version in both regions: make them equal",
                                );
                            }
                        }
                    }
                }
                if let Some(d) = a.retention_days {
                    if !(1..=35).contains(&d) {
                        self.err(
                            &at("retention_days"),
                            format!("backup retention {d} days is outside 1-35"),
                            "RDS keeps automated backups 1 to 35 days (replicas need at least 1)",
                        );
                    }
                }
                if a.kind == Kind::Rds && a.qty() != 1 {
                    self.err(
                        &at("qty"),
                        "an RDS instance asset has qty 1; the Multi-AZ standby is not counted",
                        "use multi_az for the standby, or `kind: aurora` with qty instances",
                    );
                }
            }
            Kind::Eks => {
                match &a.version {
                    None => self.err(
                        &here,
                        format!("EKS cluster `{}` has no version", a.name),
                        format!("add e.g. `version: \"{}\"`", crate::versions::DEFAULT_KUBERNETES),
                    ),
                    Some(v) => {
                        if let Err((message, help)) = crate::versions::kubernetes_status(v) {
                            self.err(&at("version"), message, help);
                        }
                    }
                }
                let (min, max) = (a.min.unwrap_or(a.qty()), a.max.unwrap_or(a.qty() * 2));
                if !(min <= a.qty() && a.qty() <= max) || max == 0 {
                    self.err(
                        &at("qty"),
                        format!("node group needs min ≤ qty ≤ max, got {min} ≤ {} ≤ {max}", a.qty()),
                        "adjust min, qty or max",
                    );
                }
            }
            Kind::Route53 => {
                if let Some(zone) = &a.zone {
                    if let Some(why) = reserved_domain(zone) {
                        self.err(
                            &at("zone"),
                            format!("zone `{zone}` is {why}: no certificate can ever be validated for it"),
                            "set `zone` to a domain you control; acmegen creates its hosted zone in the bootstrap root (delegate it at your registrar), or give `zone_id` of an existing public zone",
                        );
                    }
                }
                if let Some(id) = &a.zone_id {
                    let valid = id.starts_with('Z')
                        && (10..=32).contains(&id.len())
                        && id.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
                    if !valid {
                        self.err(
                            &at("zone_id"),
                            format!("`{id}` is not a Route 53 hosted zone ID"),
                            "give the ID shown by `aws route53 list-hosted-zones-by-name --dns-name <zone>` (Z followed by capital letters and digits), or remove zone_id to let acmegen create the zone",
                        );
                    }
                }
                for (field, v) in [("zone", &a.zone), ("record", &a.record)] {
                    if v.is_none() {
                        self.err(
                            &here,
                            format!("route53 asset `{}` has no {field}", a.name),
                            "add `zone:` (a domain you control, e.g. shop.acme.dev) and `record: app`",
                        );
                    }
                }
            }
            Kind::Bastion => {
                for c in a.ssh_cidrs.iter().flatten() {
                    if c.ends_with("/0") {
                        self.err(
                            &at("ssh_cidrs"),
                            format!("SSH open to the internet ({c})"),
                            "list your office/VPN ranges, or leave ssh_cidrs out to use SSM Session Manager only",
                        );
                    } else if let Err(e) = c.parse::<Cidr>() {
                        self.err(&at("ssh_cidrs"), format!("bad CIDR: {e}"), "write ranges as a.b.c.d/nn");
                    }
                }
            }
            Kind::Cloudwatch | Kind::Cloudtrail => {
                if let Some(d) = a.retention_days {
                    if !LOG_RETENTION_DAYS.contains(&d) {
                        self.err(&at("retention_days"), format!("{d} is not a CloudWatch Logs retention period"), "use one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827 … 3653");
                    }
                }
            }
            Kind::S3 if a.name.contains('_') => {
                self.err(
                    &at("name"),
                    format!("S3 asset name `{}` contains `_`", a.name),
                    "bucket names allow only lowercase letters, digits and dashes",
                );
            }
            Kind::Ecr => {
                if let (Some(tag), Some(dr_tag)) = (&a.image_tag, &a.dr_image_tag) {
                    if tag != dr_tag && a.in_dr() {
                        self.err(
                            &at("dr_image_tag"),
                            format!("DR image tag {dr_tag} differs from primary image tag {tag}"),
                            "the DR plan requires the same application version in both regions: deploy the same tag",
                        );
                    }
                }
            }
            Kind::Alb => {
                if let Some(&j) = a.target.as_deref().and_then(|t| by_name.get(t)) {
                    let target = &assets[j];
                    if target.kind == Kind::Vm && target.image.is_none() {
                        self.err(
                            &[Seg::Key("assets"), Seg::Index(j)],
                            format!(
                                "`{}` sits behind load balancer `{}` but runs no application: its health check would never pass",
                                target.name, a.name
                            ),
                            "add `image:` with the container image the instances run (a full reference, or `<ecr asset>:<tag>`) and `port:` where it listens",
                        );
                    }
                    if target.kind == Kind::Eks {
                        if let Some(p) = a.port.filter(|p| !(30000..=32767).contains(p)) {
                            self.err(
                                &at("port"),
                                format!("port {p} is not a NodePort: load balancers reach EKS nodes on a NodePort of the ingress"),
                                "use a port from 30000 to 32767 (default 30080), the NodePort the cluster's ingress service exposes",
                            );
                        }
                    }
                }
                if let Some(certs) = &a.certificate_arn {
                    for k in certs.keys() {
                        if k != "primary" && k != "dr" {
                            self.err(
                                &at("certificate_arn"),
                                format!("certificate_arn key `{k}`"),
                                "give one ARN per region: `{primary: arn:aws:acm:…, dr: arn:aws:acm:…}`",
                            );
                        }
                    }
                }
            }
            _ => {}
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
            for u in crate::quotas::usage(inv, q.key) {
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

fn dr_hint(kind: Kind, dr: DrStrategy) -> &'static str {
    match (kind, dr) {
        (Kind::Rds, DrStrategy::Active) | (Kind::Aurora, DrStrategy::Active) => {
            " (a database cannot take writes in two regions; `replica` keeps a promotable copy in DR)"
        }
        (Kind::Rds, DrStrategy::PilotLight) | (Kind::Aurora, DrStrategy::PilotLight) => {
            " (the data tier of a pilot light is a `replica`)"
        }
        (_, DrStrategy::Replica) => " (only data stores and keys replicate)",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inventory::parse;
    use std::path::Path;

    fn errors(assets: &str) -> Vec<String> {
        let text = format!("name: t\nowner: me\nregions: {{primary: us-east-2, dr: us-west-1}}\nassets:\n{assets}");
        let loaded = parse(&text, Path::new("t.yaml")).unwrap();
        match validate(&loaded) {
            Ok(()) => vec![],
            Err(d) => {
                d.0.iter()
                    .map(|d| format!("{}:{} {}", d.line, d.column, d.message))
                    .collect()
            }
        }
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
