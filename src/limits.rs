//! Bounds on every input acmegen reads from an inventory.
//!
//! Two layers:
//! - [`check_text`] runs on the raw text *before* serde_yaml sees it: file
//!   size and nesting depth (the YAML scanner is slow on pathological
//!   nesting, so such input must never reach it);
//! - [`check_inventory`] and [`check_asset`] run on the parsed model: every
//!   number has a range per field and kind, every text a length, and each
//!   error names the AWS limit (or acmegen's own, where AWS has none) it
//!   enforces.
//!
//! [`field_help`] turns the same table into help for serde's type and range
//! errors (`qty: -1`, `port: 70000`).

use crate::inventory::{Asset, Inventory, Kind, RegionNetwork};

/// Largest inventory file acmegen reads (4 MiB: 10,000 assets take about 1 MiB).
pub const MAX_INVENTORY_BYTES: usize = 4 * 1024 * 1024;

/// Deepest nesting of YAML collections accepted (an inventory needs 5).
pub const MAX_NESTING: usize = 24;

/// Longest free-text field (`purpose`, `description`, `source`): it is copied into comments.
pub const MAX_TEXT_CHARS: usize = 500;

/// Longest other string field (names, versions, sizes, zones …).
pub const MAX_STRING_CHARS: usize = 256;

/// Tags acmegen itself puts on every resource (Project, Owner, ManagedBy, DrRole, Asset).
pub const OWN_TAGS: usize = 5;

/// AWS allows 50 user tags per resource.
pub const MAX_TAGS_PER_RESOURCE: usize = 50;

/// Where raw inventory text breaks a limit, with what to do about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextLimit {
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// What is wrong.
    pub message: String,
    /// What to do.
    pub help: String,
}

/// For each line of a text (as `str::lines` cuts it): whether it starts in
/// block context, outside any quoted scalar, block scalar or flow
/// collection — where a key or a sequence item at its indentation is
/// structure, not text. What [`crate::inventory`] cuts the assets at.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LineStarts(pub Vec<bool>);

/// Check raw inventory text before it is parsed: size and nesting depth.
/// Linear in the text; never hands pathological input to the YAML scanner.
/// Returns where each line starts, as the same scan saw it.
pub fn check_text(text: &str) -> Result<LineStarts, TextLimit> {
    if text.len() > MAX_INVENTORY_BYTES {
        return Err(TextLimit {
            line: 1,
            column: 1,
            message: format!(
                "the inventory is {} bytes; acmegen reads at most {} (4 MiB)",
                text.len(),
                MAX_INVENTORY_BYTES
            ),
            help: "split it into several inventories; 4 MiB holds about 40,000 assets".into(),
        });
    }
    nesting(text)
}

/// Scanner state carried across lines.
#[derive(Default)]
struct Scan {
    /// Columns of the open block levels.
    block: Vec<usize>,
    /// Depth of open flow collections (`[`, `{`).
    flow: usize,
    /// Inside a quoted scalar spanning lines: its quote character.
    quote: Option<char>,
    /// Inside a block scalar (`|`, `>`): lines indented deeper than this are text.
    block_scalar: Option<usize>,
}

fn too_deep(line: usize, column: usize) -> TextLimit {
    TextLimit {
        line,
        column,
        message: format!("the YAML nests deeper than {MAX_NESTING} levels"),
        help: "an inventory nests at most a few levels (assets → asset → tags); remove the extra nesting".into(),
    }
}

/// Depth of block levels (by indentation and `- ` items) plus flow
/// brackets, ignoring quoted text, comments and block scalars. A bracket
/// counts where YAML starts a node (a value position, after an anchor or a
/// tag, inside a flow collection), as the YAML scanner would see it.
fn nesting(text: &str) -> Result<LineStarts, TextLimit> {
    let mut s = Scan::default();
    let mut starts = Vec::new();
    for (n, raw) in text.lines().enumerate() {
        let line = n + 1;
        let chars: Vec<char> = raw.chars().collect();
        let indent = chars.iter().take_while(|c| **c == ' ').count();
        let blank = chars[indent..].iter().all(|c| c.is_whitespace()) || chars.get(indent) == Some(&'#');
        if let Some(parent) = s.block_scalar {
            if blank || indent > parent {
                starts.push(false);
                continue;
            }
            s.block_scalar = None;
        }
        starts.push(s.quote.is_none() && s.flow == 0);
        let mut i = 0;
        if s.quote.is_none() && s.flow == 0 {
            if blank {
                continue;
            }
            let marker = |m: char| {
                indent == 0
                    && chars.len() >= 3
                    && chars[..3].iter().all(|c| *c == m)
                    && chars.get(3).is_none_or(|c| c.is_whitespace())
            };
            if marker('-') || marker('.') {
                s.block.clear();
                i = 3;
            } else {
                while s.block.last().is_some_and(|&c| c >= indent) {
                    s.block.pop();
                }
                s.block.push(indent);
                i = indent;
            }
            // Block sequence items and explicit keys, compact or not: `- - ? x`.
            while matches!(chars.get(i), Some('-' | '?' | ':')) && chars.get(i + 1).is_none_or(|c| c.is_whitespace()) {
                i += 1;
                while chars.get(i).is_some_and(|c| c.is_whitespace()) {
                    i += 1;
                }
                s.block.push(i);
                if s.block.len() > MAX_NESTING {
                    return Err(too_deep(line, i.min(chars.len()) + 1));
                }
            }
            if s.block.len() > MAX_NESTING {
                return Err(too_deep(line, indent + 1));
            }
        }
        let mut value_start = s.quote.is_none() && s.flow == 0;
        let mut prev_space = true;
        while i < chars.len() {
            let c = chars[i];
            if let Some(q) = s.quote {
                if c == q {
                    if q == '\'' && chars.get(i + 1) == Some(&'\'') {
                        i += 2;
                        continue;
                    }
                    s.quote = None;
                } else if c == '\\' && q == '"' {
                    i += 1;
                }
                i += 1;
                prev_space = false;
                continue;
            }
            if c.is_whitespace() {
                prev_space = true;
                i += 1;
                continue;
            }
            let next_is_space = chars.get(i + 1).is_none_or(|c| c.is_whitespace());
            match c {
                '#' if prev_space => break,
                '"' | '\'' if value_start => {
                    s.quote = Some(c);
                    value_start = false;
                }
                '[' | '{' if value_start || s.flow > 0 => {
                    s.flow += 1;
                    if s.flow + s.block.len() > MAX_NESTING {
                        return Err(too_deep(line, i + 1));
                    }
                    value_start = true;
                }
                ']' | '}' if s.flow > 0 => {
                    s.flow -= 1;
                    value_start = false;
                }
                ',' if s.flow > 0 => value_start = true,
                '|' | '>' if value_start && s.flow == 0 => {
                    // Its text is what is indented deeper than the node owning it.
                    s.block_scalar = Some(s.block.last().copied().unwrap_or(indent));
                    break;
                }
                '&' | '!' if value_start => {
                    // An anchor or a tag: the node itself follows.
                    while chars.get(i + 1).is_some_and(|c| !c.is_whitespace()) {
                        i += 1;
                    }
                }
                ':' if next_is_space || s.flow > 0 => value_start = true,
                '-' | '?' if value_start && next_is_space => {}
                _ => value_start = false,
            }
            prev_space = false;
            i += 1;
        }
    }
    Ok(LineStarts(starts))
}

/// An inclusive range a numeric field must lie in, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bound {
    /// Smallest allowed value.
    pub min: u64,
    /// Largest allowed value.
    pub max: u64,
    /// The limit, named: which AWS quota or property (or acmegen rule) sets it.
    pub why: &'static str,
}

const fn b(min: u64, max: u64, why: &'static str) -> Bound {
    Bound { min, max, why }
}

/// `qty` of a kind with no tighter limit of its own.
pub const QTY: Bound = b(1, 1000, "acmegen accepts at most 1,000 of one asset");
/// A TCP port.
pub const PORT: Bound = b(1, 65535, "a TCP port is 1 to 65535");
/// The root volume of an instance booting Amazon Linux 2023.
pub const EBS_VOLUME_GB: Bound = b(
    8,
    16384,
    "an EBS gp3 volume holds up to 16,384 GiB, and the Amazon Linux 2023 AMI's root snapshot needs 8 GiB",
);
/// A database's allocated storage.
pub const DB_STORAGE_GB: Bound = b(
    20,
    16384,
    "RDS gp3 storage is 20 to 65,536 GiB, and storage autoscales up to 4 × storage_gb, so storage_gb is at most 16,384",
);
/// Days RDS and Aurora keep automated backups.
pub const DB_BACKUP_RETENTION_DAYS: Bound = b(
    1,
    35,
    "RDS keeps automated backups 1 to 35 days (replicas need at least 1)",
);
/// The inventory's `azs:` (network settings, not an asset's).
const AZS: Bound = b(1, 6, "no AWS region offers more than 6 availability zones");
/// A subnet's prefix length (network settings).
const SUBNET_PREFIX: Bound = b(16, 28, "AWS subnets are /16 to /28");

/// The range of numeric `field` for an asset of `kind`, when it has one:
/// from the kind's spec (`dr_qty` has the range of `qty`).
pub fn bound(kind: Kind, field: &str) -> Option<Bound> {
    let field = if field == "dr_qty" { "qty" } else { field };
    kind.spec().bounds.iter().find(|(f, _)| *f == field).map(|(_, b)| *b)
}

/// The range of one region's network setting `field`.
fn network_bound(field: &str) -> Option<Bound> {
    match field {
        "azs" => Some(AZS),
        "public_prefix" | "private_prefix" => Some(SUBNET_PREFIX),
        _ => None,
    }
}

/// The ranges of `field` for messages where the kind is not known (serde
/// errors), each with the kinds it applies to: for `qty` the loosest, for
/// a network setting its own, else every kind's that bounds the field
/// (kinds of one range together, in `Kind::ALL` order).
fn any_bounds(field: &str) -> Vec<(Bound, Vec<Kind>)> {
    if field == "qty" || field == "dr_qty" {
        let qty = b(
            1,
            1000,
            "at most 1,000 of one asset, fewer for some kinds (vm 100, eks 450, aurora 16)",
        );
        return vec![(qty, Vec::new())];
    }
    if let Some(net) = network_bound(field) {
        return vec![(net, Vec::new())];
    }
    let mut ranges: Vec<(Bound, Vec<Kind>)> = Vec::new();
    for k in Kind::ALL {
        let Some(found) = bound(*k, field) else { continue };
        match ranges
            .iter_mut()
            .find(|(r, _)| (r.min, r.max) == (found.min, found.max))
        {
            Some((_, kinds)) => kinds.push(*k),
            None => ranges.push((found, vec![*k])),
        }
    }
    ranges
}

/// Help for a value of the wrong type or out of its type's range, from the
/// field name: "qty is a whole number from 1 to 1000 …".
pub fn field_help(field: &str) -> Option<String> {
    let text = match field {
        "name" | "owner" | "description" | "source" | "purpose" | "size" | "target" | "key_pair" | "zone"
        | "record" | "health_check_path" | "db_name" | "dns_name" => format!("`{field}` is text"),
        "version" | "engine_version" | "dr_engine_version" | "chart_version" | "image_tag" | "dr_image_tag" => {
            format!("`{field}` is text: quote versions so YAML keeps them as written, e.g. \"16.4\"")
        }
        "multi_az" | "nat_per_az" => format!("`{field}` is true or false"),
        "tags" => "`tags` is a map of text keys to text values, e.g. {CostCenter: web}".into(),
        "ssh_cidrs" => "`ssh_cidrs` is a list of CIDRs, e.g. [10.0.0.0/8]".into(),
        "certificate_arn" => "`certificate_arn` is {primary: arn:aws:acm:…, dr: arn:aws:acm:…}".into(),
        _ => match any_bounds(field).as_slice() {
            [] => return None,
            [(bound, _)] => format!(
                "`{field}` is a whole number from {} to {} ({})",
                bound.min, bound.max, bound.why
            ),
            several => {
                let per_kind: Vec<String> = several
                    .iter()
                    .map(|(r, kinds)| {
                        let names: Vec<&str> = kinds.iter().map(|k| k.as_str()).collect();
                        format!("{} to {} for {}", r.min, r.max, names.join(", "))
                    })
                    .collect();
                format!(
                    "`{field}` is a whole number; its range depends on the kind: {}",
                    per_kind.join("; ")
                )
            }
        },
    };
    Some(text)
}

/// One value out of bounds: the field (for locating it), what and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// Path of the field inside its asset or the inventory (`qty`, `tags`, `regions`…).
    pub field: &'static str,
    /// What is wrong.
    pub message: String,
    /// What to do, naming the limit.
    pub help: String,
}

fn check_number(out: &mut Vec<Violation>, kind: Kind, field: &'static str, value: Option<u64>, what: &str) {
    let (Some(v), Some(bound)) = (value, bound(kind, field)) else {
        return;
    };
    // qty 0 has its own message in validate (it says what qty means).
    if field == "qty" && v == 0 {
        return;
    }
    if v < bound.min || v > bound.max {
        out.push(Violation {
            field,
            message: format!("{what} `{field}: {v}` is out of range"),
            help: format!("use {} to {}: {}", bound.min, bound.max, bound.why),
        });
    }
}

fn check_len(out: &mut Vec<Violation>, field: &'static str, value: Option<&str>, max: usize, why: &str) {
    let Some(v) = value else { return };
    let n = v.chars().count();
    if n > max {
        out.push(Violation {
            field,
            message: format!("`{field}` is {n} characters long; at most {max} are accepted"),
            help: format!("shorten it: {why}"),
        });
    }
}

fn check_tags<'a>(
    out: &mut Vec<Violation>,
    tags: impl IntoIterator<Item = (&'a String, &'a String)>,
    count: usize,
    extra: usize,
) {
    for (k, v) in tags {
        if k.is_empty() || k.chars().count() > 128 {
            out.push(Violation {
                field: "tags",
                message: format!("tag key `{}` has {} characters", shorten(k), k.chars().count()),
                help: "AWS tag keys are 1 to 128 characters".into(),
            });
        }
        if v.chars().count() > 256 {
            out.push(Violation {
                field: "tags",
                message: format!("the value of tag `{}` has {} characters", shorten(k), v.chars().count()),
                help: "AWS tag values are at most 256 characters".into(),
            });
        }
        if let Some(c) = first_untaggable(k) {
            out.push(Violation {
                field: "tags",
                message: format!("tag key `{}` contains {}", shorten(k), show_char(c)),
                help: format!("{TAG_CHARS_HELP}; rename the tag"),
            });
        }
        if let Some(c) = first_untaggable(v) {
            out.push(Violation {
                field: "tags",
                message: format!("the value of tag `{}` contains {}", shorten(k), show_char(c)),
                help: format!("{TAG_CHARS_HELP}; drop or replace the others, e.g. `R&D, web` as `R+D web`"),
            });
        }
        if k.to_ascii_lowercase().starts_with("aws:") {
            out.push(Violation {
                field: "tags",
                message: format!("tag key `{k}` starts with `aws:`"),
                help: "the `aws:` prefix is reserved for AWS; rename the tag".into(),
            });
        }
    }
    if count + extra + OWN_TAGS > MAX_TAGS_PER_RESOURCE {
        out.push(Violation {
            field: "tags",
            message: format!(
                "{} tags on a resource ({} here, {extra} from the inventory, {OWN_TAGS} from acmegen)",
                count + extra + OWN_TAGS,
                count
            ),
            help: format!("AWS allows {MAX_TAGS_PER_RESOURCE} tags per resource; remove some"),
        });
    }
}

/// What tag keys and values may hold, for help texts.
const TAG_CHARS_HELP: &str = "acmegen puts tags on IAM roles too (the inventory's through provider `default_tags`, an asset's on its own roles), and IAM takes only letters, digits, spaces and `_ . : / = + - @` in tag keys and values";

/// The first character of `s` that IAM refuses in a tag key or value.
///
/// IAM API Reference, "Tag" data type: Key and Value match
/// `[\p{L}\p{Z}\p{N}_.:/=+\-@]*` (letters, separators, numbers and those
/// seven signs); CreateRole and TagRole refuse anything else, and provider
/// `default_tags` put every tag on every IAM role. Other services (EC2, S3)
/// are laxer, so IAM's pattern is the one every tag must meet.
/// `\p{N}` is exactly [`char::is_numeric`]; `\p{Z}` (Zs, Zl, Zp) is
/// exactly the white space that is no control character (tab and newline
/// are Cc); `\p{L}` is approximated by [`char::is_alphabetic`], which also
/// admits the few `Other_Alphabetic` characters that are no letters
/// (combining vowel signs, circled letters): IAM would still refuse those.
pub fn first_untaggable(s: &str) -> Option<char> {
    s.chars().find(|&c| {
        !(c.is_alphabetic()
            || c.is_numeric()
            || (c.is_whitespace() && !c.is_control())
            || matches!(c, '_' | '.' | ':' | '/' | '=' | '+' | '-' | '@'))
    })
}

/// A character for an error message: `` `(` `` or, for one that does not
/// print, its code point (`U+0009`).
fn show_char(c: char) -> String {
    if c.is_control() || (c.is_whitespace() && c != ' ') {
        format!("U+{:04X}", u32::from(c))
    } else {
        format!("`{c}`")
    }
}

fn shorten(s: &str) -> String {
    if s.chars().count() > 40 {
        format!("{}…", s.chars().take(40).collect::<String>())
    } else {
        s.to_string()
    }
}

/// Bounds on one region's network settings: subnet prefix lengths.
pub fn check_network(net: &RegionNetwork) -> Vec<Violation> {
    let mut out = Vec::new();
    for (field, value) in [
        ("public_prefix", net.public_prefix),
        ("private_prefix", net.private_prefix),
    ] {
        let (Some(v), Some(bound)) = (value, network_bound(field)) else {
            continue;
        };
        if !(bound.min..=bound.max).contains(&u64::from(v)) {
            out.push(Violation {
                field,
                message: format!("`{field}: {v}` is out of range"),
                help: format!("use {} to {}: {}", bound.min, bound.max, bound.why),
            });
        }
    }
    out
}

/// Bounds on the inventory's own fields: text lengths and tags.
pub fn check_inventory(inv: &Inventory) -> Vec<Violation> {
    let mut out = Vec::new();
    check_len(
        &mut out,
        "owner",
        Some(&inv.owner),
        256,
        "it becomes the Owner tag, and AWS tag values are at most 256 characters",
    );
    if let Some(c) = first_untaggable(&inv.owner) {
        out.push(Violation {
            field: "owner",
            message: format!("owner `{}` contains {}", shorten(&inv.owner), show_char(c)),
            help: format!(
                "it becomes the Owner tag: {TAG_CHARS_HELP}; e.g. write `Platform Team (SRE) <sre@acme.io>` as `Platform Team SRE - sre@acme.io`"
            ),
        });
    }
    check_len(
        &mut out,
        "description",
        inv.description.as_deref(),
        MAX_TEXT_CHARS,
        "it is copied into a comment line",
    );
    check_len(
        &mut out,
        "source",
        inv.source.as_deref(),
        MAX_TEXT_CHARS,
        "it names the design document",
    );
    check_tags(&mut out, &inv.tags, inv.tags.len(), 0);
    out
}

/// Bounds on one asset's fields, per its kind. `inventory_tags` counts the
/// inventory-wide tags that every resource of the asset carries too.
pub fn check_asset(a: &Asset, inventory_tags: usize) -> Vec<Violation> {
    let mut out = Vec::new();
    let what = format!("asset `{}` ({})", a.name, a.kind);
    let num = |v: Option<u32>| v.map(u64::from);
    check_number(&mut out, a.kind, "qty", num(a.qty), &what);
    if a.dr_qty != Some(0) {
        check_number(&mut out, a.kind, "dr_qty", num(a.dr_qty), &what);
    }
    check_number(&mut out, a.kind, "min", num(a.min), &what);
    check_number(&mut out, a.kind, "max", num(a.max), &what);
    check_number(&mut out, a.kind, "port", a.port.map(u64::from), &what);
    check_number(&mut out, a.kind, "volume_gb", num(a.volume_gb), &what);
    check_number(&mut out, a.kind, "storage_gb", num(a.storage_gb), &what);
    check_number(&mut out, a.kind, "retention_days", num(a.retention_days), &what);
    check_number(
        &mut out,
        a.kind,
        "copy_retention_days",
        num(a.copy_retention_days),
        &what,
    );
    check_len(
        &mut out,
        "purpose",
        a.purpose.as_deref(),
        MAX_TEXT_CHARS,
        "it is copied into a comment line",
    );
    let strings: [(&'static str, Option<&str>); 14] = [
        ("name", Some(&a.name)),
        ("size", a.size.as_deref()),
        ("target", a.target.as_deref()),
        ("key_pair", a.key_pair.as_deref()),
        ("version", a.version.as_deref()),
        ("chart_version", a.chart_version.as_deref()),
        ("engine_version", a.engine_version.as_deref()),
        ("dr_engine_version", a.dr_engine_version.as_deref()),
        ("db_name", a.db_name.as_deref()),
        ("dns_name", a.dns_name.as_deref()),
        ("image_tag", a.image_tag.as_deref()),
        ("dr_image_tag", a.dr_image_tag.as_deref()),
        ("zone", a.zone.as_deref()),
        ("record", a.record.as_deref()),
    ];
    for (field, value) in strings {
        check_len(
            &mut out,
            field,
            value,
            MAX_STRING_CHARS,
            "no AWS name or version is that long",
        );
    }
    check_len(
        &mut out,
        "health_check_path",
        a.health_check_path.as_deref(),
        1024,
        "ALB and Route 53 health check paths are at most 1,024 characters",
    );
    if let Some(p) = &a.health_check_path {
        if !p.starts_with('/') {
            out.push(Violation {
                field: "health_check_path",
                message: format!("health check path `{}` does not start with `/`", shorten(p)),
                help: "write the path of the request, e.g. /healthz".into(),
            });
        }
    }
    for arn in a.certificate_arn.iter().flat_map(|m| m.values()) {
        check_len(
            &mut out,
            "certificate_arn",
            Some(arn),
            2048,
            "ARNs are at most 2,048 characters",
        );
    }
    if let Some(cidrs) = &a.ssh_cidrs {
        if cidrs.len() > 60 {
            out.push(Violation {
                field: "ssh_cidrs",
                message: format!("{} SSH ranges", cidrs.len()),
                help: "a security group takes 60 inbound rules (default quota); summarize the ranges".into(),
            });
        }
    }
    check_tags(&mut out, &a.tags, a.tags.len(), inventory_tags);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    fn rejects_quickly(text: &str) -> TextLimit {
        let start = Instant::now();
        let e = check_text(text).expect_err("must be rejected");
        assert!(start.elapsed() < Duration::from_secs(2), "took {:?}", start.elapsed());
        e
    }

    #[test]
    fn accepts_every_shipped_and_synthetic_inventory() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("inventory");
        for entry in std::fs::read_dir(dir).unwrap() {
            let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
            check_text(&text).unwrap();
        }
        check_text(&crate::synthetic::inventory_yaml(10_000)).unwrap();
    }

    #[test]
    fn rejects_deep_nesting_of_every_style() {
        let n = 100_000;
        let e = rejects_quickly(&format!("assets: {}{}\n", "[".repeat(n), "]".repeat(n)));
        assert!(e.message.contains("nests deeper than"), "{e:?}");
        assert_eq!(e.line, 1);
        rejects_quickly(&format!("assets:\n{}x\n", "- ".repeat(n)));
        rejects_quickly(&format!("a: {}\n", "{a: ".repeat(n)));
        let mut indented = String::new();
        for i in 0..200 {
            indented.push_str(&format!("{}k{i}:\n", " ".repeat(i)));
        }
        let e = rejects_quickly(&indented);
        assert_eq!(e.line, MAX_NESTING + 1);
    }

    #[test]
    fn text_that_only_looks_nested_is_fine() {
        let ok = [
            "purpose: use [brackets [like [these in prose\n",
            "purpose: \"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\"\n",
            "purpose: '{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{'\n",
            "tags: {a: \"]]]\", b: '[[['}\n",
            "x: 1 # [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\n",
        ];
        for text in ok {
            check_text(text).unwrap_or_else(|e| panic!("{text}: {e:?}"));
        }
        let mut literal = String::from("purpose: |\n");
        for i in 0..100 {
            literal.push_str(&format!("  {}- line {i}\n", " ".repeat(i)));
        }
        literal.push_str("name: x\n");
        check_text(&literal).unwrap();
    }

    proptest::proptest! {
        #[test]
        fn never_panics_and_never_passes_deep_flow_nesting(
            text in "[-\\[\\]{}:,'\"#|> a\n]{0,300}",
            depth in 30usize..200,
        ) {
            let _ = check_text(&text);
            // Deep flow nesting after any prefix is caught, unless the prefix left a
            // quoted or block scalar open (then YAML reads the rest as text too).
            let combined = format!("{text}\na: {}{}\n", "[".repeat(depth), "]".repeat(depth));
            let caught = check_text(&combined).is_err();
            let swallowed = text.contains(['"', '\'', '|', '>']);
            proptest::prop_assert!(caught || swallowed, "{:?}", text);
        }
    }

    #[test]
    fn rejects_oversized_files() {
        let big = format!("purpose: \"{}\"\n", "x".repeat(MAX_INVENTORY_BYTES));
        let e = check_text(&big).unwrap_err();
        assert!(e.message.contains("acmegen reads at most"), "{e:?}");
    }

    #[test]
    fn tag_characters_follow_the_iam_pattern() {
        for ok in [
            "Platform Team SRE - sre@acme.io",
            "a_b.c:d/e=f+g-h@i",
            "Zürich 東京 ٣ Ωmega",
            "thin\u{2009}space\u{3000}ideographic",
            "",
        ] {
            assert_eq!(first_untaggable(ok), None, "{ok:?}");
        }
        for (bad, first) in [
            ("Platform Team (SRE) <sre@acme.io>", '('),
            ("R&D, web", '&'),
            ("web, api", ','),
            ("tab\there", '\t'),
            ("line\nbreak", '\n'),
            ("next\u{85}line", '\u{85}'),
            ("a*b", '*'),
            ("a#b", '#'),
            ("say \"hi\"", '"'),
            ("it's", '\''),
            ("100%", '%'),
            ("a;b", ';'),
            ("a|b", '|'),
            ("a\\b", '\\'),
            ("a!b", '!'),
            ("$x", '$'),
            ("a~b", '~'),
        ] {
            assert_eq!(first_untaggable(bad), Some(first), "{bad:?}");
        }
        assert_eq!(show_char('('), "`(`");
        assert_eq!(show_char('\t'), "U+0009");
    }

    /// The errors, as printed, of inventory `text` (its file is `t.yaml`).
    fn validation_errors(text: &str) -> Vec<String> {
        let loaded = crate::inventory::parse(text, std::path::Path::new("t.yaml")).expect("parses");
        match crate::validate::validate(&loaded) {
            Ok(_) => Vec::new(),
            Err(d) => d.0.iter().map(|e| e.to_string()).collect(),
        }
    }

    #[test]
    fn owner_and_tags_with_characters_iam_refuses_are_errors_at_their_line() {
        let text = "name: t\nowner: \"Platform Team (SRE) <sre@acme.io>\"\ntags: {CostCenter: \"R&D, web\", \"Cost Centre\": ok}\nregions: {primary: us-east-2, dr: us-west-1}\nassets:\n  - kind: vm\n    name: app\n    size: t3.micro\n    dr: active\n    tags:\n      \"App(1)\": web\n";
        let e = validation_errors(text);
        assert_eq!(e.len(), 3, "{e:#?}");
        let owner = e
            .iter()
            .find(|e| e.contains("owner `Platform Team (SRE) <sre@acme.io>` contains `(`"));
        let owner = owner.unwrap_or_else(|| panic!("{e:#?}"));
        assert!(owner.contains("t.yaml:2:"), "{owner}");
        assert!(
            owner.contains("it becomes the Owner tag") && owner.contains("`_ . : / = + - @`"),
            "{owner}"
        );
        let value = e
            .iter()
            .find(|e| e.contains("the value of tag `CostCenter` contains `&`"));
        assert!(value.is_some_and(|v| v.contains("t.yaml:3:")), "{e:#?}");
        let key = e.iter().find(|e| e.contains("tag key `App(1)` contains `(`"));
        assert!(key.is_some_and(|k| k.contains("t.yaml:10:")), "{e:#?}");
        let fixed = text
            .replace("Platform Team (SRE) <sre@acme.io>", "Platform Team SRE - sre@acme.io")
            .replace("R&D, web", "R+D web")
            .replace("App(1)", "App 1");
        assert_eq!(validation_errors(&fixed), Vec::<String>::new());
    }

    #[test]
    fn bounds_name_the_limit() {
        let eks = bound(Kind::Eks, "max").unwrap();
        assert_eq!(eks.max, 450);
        assert!(eks.why.contains("EKS managed node group max size is 450 nodes"));
        assert_eq!(bound(Kind::Aurora, "qty").unwrap().max, 16);
        assert_eq!(bound(Kind::Vm, "port").unwrap().min, 1);
        assert_eq!(bound(Kind::Rds, "storage_gb").unwrap().max, 16384);
        assert!(field_help("port").unwrap().contains("1 to 65535"));
        // A field with several ranges names each with its kinds, not the first kind's alone.
        assert_eq!(
            field_help("retention_days").unwrap(),
            "`retention_days` is a whole number; its range depends on the kind: 1 to 35 for rds, aurora; 1 to 36500 for s3, backup_plan"
        );
        assert!(field_help("volume_gb")
            .unwrap()
            .contains("8 to 16384 for vm, bastion; 20 to 16384 for eks"));
        assert!(field_help("storage_gb")
            .unwrap()
            .contains("from 20 to 16384 (RDS gp3 storage"));
        assert!(field_help("qty").unwrap().contains("from 1 to 1000"));
        assert!(field_help("engine_version").unwrap().contains("quote versions"));
        assert!(!field_help("qty").unwrap().contains("quote"));
    }
}
