//! Drafting: recognised components and stated facts become an inventory.
//!
//! - One asset per kind the document names (namings of one kind merge:
//!   design docs describe one ALB, one cluster, one database); a part whose
//!   owner is missing adds it ("managed node groups" → an eks cluster); an
//!   asset that needs a target the document only mentions in passing gets
//!   it (Global Accelerator → the load balancer of "the secondary region's
//!   Load balancer").
//! - A fact describes the assets its line names, else the subject of the
//!   nearest section with one; a section about something acmegen cannot
//!   model keeps its facts. DR intents with no subject at all apply to the
//!   whole document; a size or count with none goes to the only asset it
//!   can describe.
//! - Everything not stated is a `# guess:` (and a warning); every component
//!   with no kind and every category section naming nothing is a `# TODO`.

use super::facts::{Fact, RegionFact, What};
use super::outline::Outline;
use super::recognise::{concrete, strength, Finding, Recognised};
use super::text::{padded, shorten, without_asides, yaml_str};
use super::vocabulary::{vocabulary, Role, Term};
use crate::catalog;
use crate::cidr::Cidr;
use crate::inventory::{DrStrategy, Engine, Kind, RegionNetwork};
use crate::validate::LOG_RETENTION_DAYS;
use std::fmt::Write as _;

/// Placeholder for a region the document does not name; validation rejects it.
pub const PRIMARY_PLACEHOLDER: &str = "TODO-primary-region";
/// Placeholder for a DR region the document does not name; validation rejects it.
pub const DR_PLACEHOLDER: &str = "TODO-dr-region";

/// A drafted inventory.
#[derive(Debug, Clone)]
pub struct Draft {
    /// Inventory YAML with comments.
    pub yaml: String,
    /// One line per guess and TODO, for stderr.
    pub warnings: Vec<String>,
    /// Assets drafted.
    pub assets: usize,
    /// `# TODO` entries for components and empty sections.
    pub todos: usize,
}

/// A subject of a line or section: an asset kind, or something acmegen cannot model (None).
type Subject = Option<Kind>;

struct Asset {
    kind: Kind,
    name: String,
    namings: Vec<Finding>,
    added: Option<String>,
    facts: Vec<(Fact, bool)>,
    guesses: Vec<String>,
    lines: Vec<String>,
    dr: DrStrategy,
    target: Option<String>,
}

impl Asset {
    fn new(kind: Kind, namings: Vec<Finding>, added: Option<String>) -> Asset {
        let mut namings = namings;
        namings.sort_by_key(|f| (std::cmp::Reverse(f.strength), !f.alone, f.question, f.guess, f.line));
        Asset {
            kind,
            name: kind.as_str().replace('_', "-"),
            namings,
            added,
            facts: Vec::new(),
            guesses: Vec::new(),
            lines: Vec::new(),
            dr: DrStrategy::Active,
            target: None,
        }
    }

    fn line(&self) -> usize {
        self.namings.first().map_or(0, |f| f.line)
    }

    fn first<T>(&self, f: impl Fn(&What) -> Option<T>) -> Option<(T, &Fact, bool)> {
        self.facts
            .iter()
            .find_map(|(fact, fallback)| f(&fact.what).map(|v| (v, fact, *fallback)))
    }

    fn all<T>(&self, f: impl Fn(&What) -> Option<T>) -> Vec<(T, &Fact)> {
        self.facts
            .iter()
            .filter_map(|(fact, _)| f(&fact.what).map(|v| (v, fact)))
            .collect()
    }

    fn guess(&mut self, note: impl Into<String>) {
        self.guesses.push(note.into());
    }

    /// A `key: value` line; `stated` is the line the document states it on.
    fn field(&mut self, key: &str, value: impl std::fmt::Display, stated: Option<usize>) {
        let comment = stated.map(|l| format!(" # line {l}")).unwrap_or_default();
        self.lines.push(format!("    {key}: {value}{comment}"));
    }
}

/// Where a fact belongs.
enum Owner {
    Assets(Vec<usize>, bool),
    Document,
    Nowhere,
}

struct Drafter<'a> {
    outline: &'a Outline,
    recognised: &'a Recognised,
    assets: Vec<Asset>,
    todos: Vec<String>,
    notes: Vec<String>,
    warnings: Vec<String>,
    doc_dr: Vec<Fact>,
}

fn quote(s: &str) -> String {
    format!("\"{}\"", shorten(s, 70).replace('"', "'"))
}

fn also(lines: impl IntoIterator<Item = usize>, first: usize) -> String {
    let mut rest: Vec<usize> = lines.into_iter().filter(|&l| l != first).collect();
    rest.sort_unstable();
    rest.dedup();
    match rest.len() {
        0 => String::new(),
        1 => format!("; also line {}", rest[0]),
        n if n <= 6 => format!(
            "; also lines {}",
            rest.iter().map(|l| l.to_string()).collect::<Vec<_>>().join(", ")
        ),
        _ => format!(
            "; also lines {} …",
            rest[..6].iter().map(|l| l.to_string()).collect::<Vec<_>>().join(", ")
        ),
    }
}

fn subjects_of(role: Role) -> Vec<Subject> {
    match role {
        Role::Asset(k) => vec![Some(k)],
        Role::Part { of, .. } => of.iter().copied().map(Some).collect(),
        Role::Todo => vec![None],
        Role::Category(kinds) => kinds.iter().copied().map(Some).collect(),
        Role::Network | Role::Builtin => Vec::new(),
    }
}

/// Subjects of a sentence: the components it names outside asides
/// (its categories are what the fact says, not what it is about).
fn text_subjects(text: &str) -> Vec<Subject> {
    vocabulary()
        .find(&padded(&without_asides(text)))
        .iter()
        .filter(|m| concrete(m.term.role))
        .flat_map(|m| subjects_of(m.term.role))
        .collect()
}

fn fit(intent: DrStrategy, kind: Kind) -> Option<DrStrategy> {
    use DrStrategy::*;
    let order: &[DrStrategy] = match intent {
        Active => &[Active, Replica],
        Replica => &[Replica, Active],
        PilotLight => &[PilotLight, Replica, Active],
        Backup => &[Backup],
        None => &[None],
    };
    order.iter().copied().find(|s| kind.allowed_dr().contains(s))
}

/// The strongest intent that fits `kind`: an explicit "no DR" first, then
/// replica, pilot light, backup, active.
fn choose(intents: &[(DrStrategy, &Fact)], kind: Kind) -> Option<(DrStrategy, usize, String)> {
    use DrStrategy::*;
    for exact in [true, false] {
        for want in [None, Replica, PilotLight, Backup, Active] {
            if let Some((_, fact)) = intents.iter().find(|(i, _)| *i == want) {
                if let Some(s) = fit(want, kind).filter(|&s| !exact || s == want) {
                    return Some((s, fact.line, fact.quote.clone()));
                }
            }
        }
    }
    Option::None
}

fn default_dr(kind: Kind) -> (DrStrategy, &'static str) {
    use Kind::*;
    match kind {
        Vm | Eks | Alb | Bastion | Eip => (DrStrategy::PilotLight, "a minimal copy in DR, scaled up on failover"),
        Rds | Aurora => (DrStrategy::Replica, "a promotable cross-region replica"),
        S3 | Ecr => (DrStrategy::Replica, "replicated into the DR region"),
        _ => (DrStrategy::Active, "the same in both regions"),
    }
}

/// Kinds in the order their DR is resolved: targets before what points at them.
const RESOLUTION_ORDER: [Kind; 18] = [
    Kind::Vpc,
    Kind::VpcPeering,
    Kind::Kms,
    Kind::KeyPair,
    Kind::Vm,
    Kind::Bastion,
    Kind::Eks,
    Kind::Rds,
    Kind::Aurora,
    Kind::S3,
    Kind::Ecr,
    Kind::Cloudwatch,
    Kind::Cloudtrail,
    Kind::Alb,
    Kind::Eip,
    Kind::K8sMonitoring,
    Kind::GlobalAccelerator,
    Kind::Route53,
];

impl<'a> Drafter<'a> {
    fn has(&self, kind: Kind) -> bool {
        self.assets.iter().any(|a| a.kind == kind)
    }

    fn index(&self, kind: Kind) -> Option<usize> {
        self.assets.iter().position(|a| a.kind == kind)
    }

    fn findings(&self) -> impl Iterator<Item = &'a Finding> {
        self.recognised.findings.iter()
    }

    /// Assets of the named kinds, parts resolved, and TODO/note entries.
    fn components(&mut self) {
        for kind in Kind::ALL {
            let namings: Vec<Finding> = self
                .findings()
                .filter(|f| f.term.role == Role::Asset(kind))
                .cloned()
                .collect();
            if !namings.is_empty() {
                self.assets.push(Asset::new(kind, namings, None));
            }
        }
        let mut by_term: Vec<(&'static Term, Vec<&Finding>)> = Vec::new();
        for f in self.findings() {
            if matches!(f.term.role, Role::Asset(_) | Role::Category(_)) {
                continue;
            }
            match by_term.iter_mut().find(|(t, _)| t.id == f.term.id) {
                Some((_, v)) => v.push(f),
                None => by_term.push((f.term, vec![f])),
            }
        }
        for (term, found) in &by_term {
            if let Role::Part {
                of,
                implies: Some(kind),
            } = term.role
            {
                if !of.iter().any(|&k| self.has(k)) {
                    let first = found[0];
                    let why = format!(
                        "added: the document names {} ({} line {}), which runs on {kind}",
                        term.label,
                        quote(&first.context),
                        first.line
                    );
                    let namings = found.iter().map(|&f| f.clone()).collect();
                    self.assets.push(Asset::new(kind, namings, Some(why)));
                }
            }
        }
        for (term, found) in by_term {
            let first = found[0];
            let lines = found.iter().map(|f| f.line);
            let from = format!("named in {}{}", quote(&first.context), also(lines, first.line));
            match term.role {
                Role::Todo => {
                    self.warnings.push(format!(
                        "line {}: \"{}\" maps to no asset kind; kept as a TODO comment",
                        first.line, term.label
                    ));
                    self.todos.push(format!(
                        "# TODO (line {}): {}: {}; {from}",
                        first.line, term.label, term.note
                    ));
                }
                Role::Part { of, .. } => match of.iter().find_map(|&k| self.index(k)) {
                    Some(i) => self.notes.push(format!(
                        "# note (line {}): {}: built with {} `{}` ({}); {from}",
                        first.line, term.label, self.assets[i].kind, self.assets[i].name, term.note
                    )),
                    None => {
                        let kinds: Vec<&str> = of.iter().map(|k| k.as_str()).collect();
                        self.warnings.push(format!(
                            "line {}: \"{}\" needs a {} asset and the document names none; kept as a TODO comment",
                            first.line,
                            term.label,
                            kinds.join(" or ")
                        ));
                        self.todos.push(format!(
                            "# TODO (line {}): {}: built with a {} asset, which the document does not name; {from}",
                            first.line,
                            term.label,
                            kinds.join(" or ")
                        ));
                    }
                },
                Role::Network => self.notes.push(format!(
                    "# note (line {}): {}: part of each region's VPC ({}); {from}",
                    first.line, term.label, term.note
                )),
                Role::Builtin => self.notes.push(format!(
                    "# note (line {}): {}: {}; {from}",
                    first.line, term.label, term.note
                )),
                Role::Asset(_) | Role::Category(_) => {}
            }
        }
        let mut empty: Vec<(&'static Term, Vec<usize>)> = Vec::new();
        for e in &self.recognised.empty_categories {
            match empty.iter_mut().find(|(t, _)| t.id == e.term.id) {
                Some((_, sections)) => sections.push(e.section),
                None => empty.push((e.term, vec![e.section])),
            }
        }
        for (term, sections) in empty {
            let s = &self.outline.sections[sections[0]];
            let lines = sections.iter().map(|&i| self.outline.sections[i].line);
            self.warnings.push(format!(
                "line {}: section \"{}\" names no component; kept as a TODO comment",
                s.line, s.title
            ));
            self.todos.push(format!(
                "# TODO (line {}): section \"{}\" names no component: {}{}",
                s.line,
                s.title,
                term.note,
                also(lines, s.line)
            ));
        }
    }

    /// Add the targets that assets need when the document mentions them.
    fn dependencies(&mut self) {
        loop {
            let missing = self.assets.iter().find_map(|a| {
                let kinds = a.kind.target_kinds();
                (!kinds.is_empty() && !kinds.iter().any(|&k| self.has(k))).then_some((a.kind, kinds))
            });
            let Some((dependent, kinds)) = missing else { return };
            let mention = self
                .recognised
                .mentions
                .iter()
                .find(|(_, m)| matches!(m.term.role, Role::Asset(k) if kinds.contains(&k)));
            let Some((line, m)) = mention else { return };
            let Role::Asset(kind) = m.term.role else { return };
            let context = self
                .outline
                .lines
                .iter()
                .find(|l| l.number == *line)
                .map_or(String::new(), |l| l.text.clone());
            let why = format!(
                "added: {dependent} needs a {kind} target; the document mentions \"{}\" at line {line}",
                m.key
            );
            let finding = Finding {
                term: m.term,
                key: m.key,
                guess: true,
                line: *line,
                section: self
                    .outline
                    .lines
                    .iter()
                    .find(|l| l.number == *line)
                    .and_then(|l| l.section),
                strength: strength::PROMOTED,
                question: false,
                alone: true,
                context,
            };
            self.assets.push(Asset::new(kind, vec![finding], Some(why)));
        }
    }

    fn section_subjects(&self, s: usize) -> Vec<Subject> {
        let title = &self.outline.sections[s].title;
        let found = vocabulary().find(&padded(title));
        let titled: Vec<Subject> = found
            .iter()
            .filter(|m| concrete(m.term.role))
            .flat_map(|m| subjects_of(m.term.role))
            .collect();
        if !titled.is_empty() {
            return titled;
        }
        let body: Vec<Subject> = self
            .findings()
            .filter(|f| f.section == Some(s) && f.line != self.outline.sections[s].line)
            .filter(|f| concrete(f.term.role) && f.strength > strength::PROMOTED)
            .flat_map(|f| subjects_of(f.term.role))
            .collect();
        if !body.is_empty() {
            return body;
        }
        found.iter().flat_map(|m| subjects_of(m.term.role)).collect()
    }

    fn owner(&self, fact: &Fact) -> Owner {
        let kinds = fact.what.kinds();
        let pick = |subjects: &[Subject]| -> Vec<usize> {
            self.assets
                .iter()
                .enumerate()
                .filter(|(_, a)| kinds.contains(&a.kind) && subjects.contains(&Some(a.kind)))
                .map(|(i, _)| i)
                .collect()
        };
        let line = text_subjects(&fact.quote);
        let named = pick(&line);
        if !named.is_empty() {
            return Owner::Assets(named, false);
        }
        for s in self.outline.chain(fact.section) {
            let subjects = self.section_subjects(s);
            if subjects.is_empty() {
                continue;
            }
            let found = pick(&subjects);
            return if found.is_empty() {
                Owner::Nowhere
            } else {
                Owner::Assets(found, false)
            };
        }
        if !line.is_empty() {
            return Owner::Nowhere;
        }
        if matches!(fact.what, What::Dr(_)) {
            return Owner::Document;
        }
        let candidates: Vec<usize> = self
            .assets
            .iter()
            .enumerate()
            .filter(|(_, a)| kinds.contains(&a.kind))
            .map(|(i, _)| i)
            .collect();
        match candidates.as_slice() {
            [only] if !matches!(fact.what, What::TrafficDial0) => Owner::Assets(vec![*only], true),
            _ => Owner::Nowhere,
        }
    }

    fn attribute(&mut self, facts: &[Fact]) {
        for fact in facts.iter().filter(|f| !f.what.is_network()) {
            match self.owner(fact) {
                Owner::Assets(list, fallback) => {
                    for i in list {
                        self.assets[i].facts.push((fact.clone(), fallback));
                    }
                }
                Owner::Document => self.doc_dr.push(fact.clone()),
                Owner::Nowhere => {
                    let shown = match &fact.what {
                        What::Size(s) => Some(s.clone()),
                        What::Nodes(n) => Some(format!("{n} nodes")),
                        What::StorageGb(n) => Some(format!("{n} GB")),
                        _ => None,
                    };
                    if let Some(shown) = shown {
                        self.warnings.push(format!(
                            "line {}: {shown} describes no asset of the draft; not used",
                            fact.line
                        ));
                    }
                }
            }
        }
    }
}

/// Build the draft of `outline`.
pub fn draft(
    outline: &Outline,
    recognised: &Recognised,
    facts: &[Fact],
    regions: &[RegionFact],
    name: &str,
    source: &str,
) -> Option<Draft> {
    let mut d = Drafter {
        outline,
        recognised,
        assets: Vec::new(),
        todos: Vec::new(),
        notes: Vec::new(),
        warnings: Vec::new(),
        doc_dr: Vec::new(),
    };
    d.components();
    d.dependencies();
    if d.assets.is_empty() {
        return None;
    }
    d.assets.sort_by_key(|a| Kind::ALL.iter().position(|&k| k == a.kind));
    d.attribute(facts);
    let network = Network::from_facts(facts, &d.assets);
    for i in 0..d.assets.len() {
        targets(&mut d.assets, i);
    }
    for kind in RESOLUTION_ORDER {
        if let Some(i) = d.index(kind) {
            let dr = resolve_dr(&d.assets, i, &d.doc_dr);
            let a = &mut d.assets[i];
            a.dr = dr.0;
            a.guess(dr.1);
        }
    }
    consistent_dr(&mut d.assets);
    let azs = network.primary_azs();
    for a in &mut d.assets {
        fields(a, azs);
    }
    let mut yaml = String::new();
    let _ = writeln!(
        yaml,
        "# Drafted by `acmegen import` from {source}. The document has no asset table:\n\
         # this inventory comes from its headings, labels and bullets. `# guess:` marks\n\
         # every inference, `# TODO` what the document leaves open or acmegen cannot\n\
         # model yet. Fill in the TODOs, review the guesses, then run `acmegen render`."
    );
    let _ = writeln!(yaml, "name: {name}");
    let _ = writeln!(yaml, "source: {}", yaml_str(source));
    let _ = writeln!(yaml, "owner: platform-team # TODO: the owning team");
    render_regions(&mut yaml, regions, &mut d.warnings);
    network.render(&mut yaml, &d.assets, &mut d.warnings);
    let _ = writeln!(yaml, "assets:");
    for a in &d.assets {
        render_asset(&mut yaml, a, outline);
        for g in &a.guesses {
            d.warnings
                .push(format!("line {}: {} `{}`: {g}", a.line(), a.kind, a.name));
        }
    }
    if !d.todos.is_empty() {
        let _ = writeln!(
            yaml,
            "  # Named in the document but not drafted: model them (or drop them) by hand."
        );
        for t in &d.todos {
            let _ = writeln!(yaml, "  {t}");
        }
    }
    if !d.notes.is_empty() {
        let _ = writeln!(
            yaml,
            "  # Named in the document and built by acmegen as part of the assets above."
        );
        for n in &d.notes {
            let _ = writeln!(yaml, "  {n}");
        }
    }
    Some(Draft {
        yaml,
        warnings: d.warnings,
        assets: d.assets.len(),
        todos: d.todos.len(),
    })
}

fn targets(assets: &mut [Asset], i: usize) {
    let kinds = assets[i].kind.target_kinds();
    let preferred: &[Kind] = match assets[i].kind {
        Kind::Route53 => &[Kind::GlobalAccelerator, Kind::Alb],
        _ => kinds,
    };
    assets[i].target = preferred
        .iter()
        .find_map(|&k| assets.iter().find(|a| a.kind == k))
        .map(|a| a.name.clone());
}

fn resolve_dr(assets: &[Asset], i: usize, doc: &[Fact]) -> (DrStrategy, String) {
    let a = &assets[i];
    let mut own: Vec<(DrStrategy, &Fact)> = a.all(|w| match w {
        What::Dr(s) => Some(*s),
        What::TrafficDial0 => Some(DrStrategy::Active),
        _ => None,
    });
    own.sort_by_key(|(_, f)| f.line);
    if let Some((s, line, q)) = choose(&own, a.kind) {
        let dial =
            if a.kind == Kind::GlobalAccelerator && a.first(|w| (*w == What::TrafficDial0).then_some(())).is_some() {
                "; the DR endpoint group keeps traffic dial 0 until failover"
            } else {
                ""
            };
        return (s, format!("dr {s} from line {line} ({}){dial}", quote(&q)));
    }
    let doc: Vec<(DrStrategy, &Fact)> = doc
        .iter()
        .filter_map(|f| match f.what {
            What::Dr(s) => Some((s, f)),
            _ => None,
        })
        .collect();
    if let Some((s, line, q)) = choose(&doc, a.kind) {
        return (
            s,
            format!("dr {s} from line {line} ({}), said of the whole design", quote(&q)),
        );
    }
    let attached = matches!(a.kind, Kind::Alb | Kind::K8sMonitoring | Kind::Eip);
    if let Some(t) = a
        .target
        .as_ref()
        .and_then(|t| assets.iter().find(|x| &x.name == t))
        .filter(|_| attached)
    {
        if let Some(s) = fit(t.dr, a.kind) {
            return (s, format!("no DR strategy stated; dr {s} like its target `{}`", t.name));
        }
    }
    let (s, why) = default_dr(a.kind);
    (s, format!("no DR strategy stated; dr {s} ({why})"))
}

/// Keep DR strategies valid together: nothing in DR depends on something that is not.
fn consistent_dr(assets: &mut [Asset]) {
    for i in 0..assets.len() {
        let target_none = assets[i]
            .target
            .as_ref()
            .and_then(|t| assets.iter().find(|a| &a.name == t))
            .is_some_and(|t| t.dr == DrStrategy::None);
        if target_none && assets[i].in_dr() && assets[i].kind.allowed_dr().contains(&DrStrategy::None) {
            assets[i].dr = DrStrategy::None;
            assets[i].guess("dr none: its target has no DR copy");
        }
    }
    let vpc_needed = assets.iter().any(|a| a.kind.needs_vpc() && a.in_dr());
    if let Some(v) = assets.iter_mut().find(|a| a.kind == Kind::Vpc) {
        if vpc_needed && v.dr == DrStrategy::None {
            v.dr = DrStrategy::Active;
            v.guess("dr active: assets that run in DR need the DR network");
        }
    }
}

impl Asset {
    fn in_dr(&self) -> bool {
        !matches!(self.dr, DrStrategy::None | DrStrategy::Backup)
    }
}

fn stated(fact: &Fact, fallback: bool) -> (Option<usize>, Option<String>) {
    if fallback {
        (
            None,
            Some(format!(
                "line {} ({}) read as this asset's, the only one it can describe",
                fact.line,
                quote(&fact.quote)
            )),
        )
    } else {
        (Some(fact.line), None)
    }
}

fn size_field(a: &mut Asset) {
    let db = matches!(a.kind, Kind::Rds | Kind::Aurora);
    let default = match a.kind {
        Kind::Rds => "db.t3.medium",
        Kind::Aurora => "db.r6g.large",
        Kind::Eks => "t3.medium",
        _ => "t3.micro",
    };
    let found = a.first(|w| match w {
        What::Size(s) if s.starts_with("db.") == db => Some(s.clone()),
        _ => None,
    });
    let Some((size, fact, fallback)) = found else {
        a.guess(format!("no size in the document; size {default}"));
        a.field("size", default, None);
        return;
    };
    let (line, note) = stated(fact, fallback);
    let fact_line = fact.line;
    let known = if db {
        catalog::is_db_class(&size)
    } else {
        catalog::is_ec2_type(&size)
    };
    if let Some(n) = note {
        a.guess(n);
    }
    if !known {
        let s = catalog::suggest(&size, db);
        a.guess(format!(
            "the document says {size} (line {fact_line}), not in the catalogue; size {s}"
        ));
        a.field("size", s, None);
    } else if a.kind == Kind::Aurora && size.starts_with("db.t") {
        a.guess(format!(
            "the document says {size} (line {fact_line}); an Aurora global database needs {default}"
        ));
        a.field("size", default, None);
    } else {
        a.field("size", size, line);
    }
}

fn fields(a: &mut Asset, azs: Option<u8>) {
    if let Some(added) = a.added.clone() {
        a.guesses.insert(0, added);
    }
    let guessed = a.added.is_none() && !a.namings.iter().any(|g| !g.guess);
    if let Some(f) = a.namings.iter().find(|f| f.guess).filter(|_| guessed) {
        let note = format!("named only as \"{}\" (line {}): drafted as {}", f.key, f.line, a.kind);
        a.guess(note);
    }
    if !a.namings.is_empty() && a.namings.iter().all(|f| f.question) {
        let line = a.line();
        a.guess(format!("the document only asks about it (line {line})"));
    }
    match a.kind {
        Kind::Eks | Kind::Vm | Kind::Bastion | Kind::Rds | Kind::Aurora => size_field(a),
        _ => {}
    }
    match a.kind {
        Kind::Eks | Kind::Vm | Kind::Aurora => quantity(a, azs),
        _ => {}
    }
    match a.kind {
        Kind::Eks => {
            match a.first(|w| match w {
                What::KubeVersion(v) => Some(v.clone()),
                _ => None,
            }) {
                Some((v, fact, _)) => {
                    let line = fact.line;
                    a.field("version", format!("\"{v}\""), Some(line));
                }
                None => {
                    a.guess("no Kubernetes version in the document; version 1.33");
                    a.field("version", "\"1.33\"", None);
                }
            }
        }
        Kind::Rds | Kind::Aurora => database(a),
        Kind::Route53 => dns(a),
        _ => {}
    }
    if matches!(
        a.kind,
        Kind::S3 | Kind::Cloudwatch | Kind::Cloudtrail | Kind::Rds | Kind::Aurora
    ) {
        retention(a);
    }
}

fn quantity(a: &mut Asset, azs: Option<u8>) {
    let nodes = a.first(|w| match w {
        What::Nodes(n) => Some(*n),
        _ => None,
    });
    let min = a.first(|w| match w {
        What::MinNodes(n) => Some(*n),
        _ => None,
    });
    let max = a.first(|w| match w {
        What::MaxNodes(n) => Some(*n),
        _ => None,
    });
    let (min, max) = (
        min.map(|(n, f, fb)| (n, f.line, fb)),
        max.map(|(n, f, fb)| (n, f.line, fb)),
    );
    let (mut qty, qty_line) = match nodes {
        Some((n, fact, fallback)) => {
            let (line, note) = stated(fact, fallback);
            if let Some(n) = note {
                a.guess(n);
            }
            (n, line)
        }
        None => match (min, azs) {
            (Some((m, _, _)), _) => {
                a.guess(format!("no desired count in the document; qty {m}, the stated minimum"));
                (m, None)
            }
            (None, Some(z)) if z > 1 => {
                a.guess(format!("no count in the document; qty {z}, one per availability zone"));
                (u32::from(z), None)
            }
            _ => {
                let n = if a.kind == Kind::Aurora { 2 } else { 3 };
                a.guess(format!("no count in the document; qty {n}"));
                (n, None)
            }
        },
    };
    if let Some((m, _, _)) = max.filter(|(m, _, _)| *m < qty) {
        a.guess(format!("qty {qty} is above the stated maximum {m}; qty {m}"));
        qty = m;
    }
    if let Some((m, _, _)) = min.filter(|(m, _, _)| *m > qty) {
        a.guess(format!("qty {qty} is below the stated minimum {m}; qty {m}"));
        qty = m;
    }
    a.field("qty", qty, qty_line);
    if a.kind == Kind::Eks {
        if let Some((m, line, fallback)) = min {
            a.field("min", m, (!fallback).then_some(line));
        }
        if let Some((m, line, fallback)) = max {
            a.field("max", m, (!fallback).then_some(line));
        }
    }
}

fn database(a: &mut Asset) {
    let engines = a.all(|w| match w {
        What::Engine(e) => Some(*e),
        _ => None,
    });
    let mut distinct: Vec<Engine> = engines.iter().map(|(e, _)| *e).collect();
    distinct.dedup();
    distinct.sort_by_key(|e| *e == Engine::Mysql);
    distinct.dedup();
    let engine = match (distinct.as_slice(), engines.first()) {
        ([one], Some((_, fact))) => {
            let line = fact.line;
            a.field("engine", engine_name(*one), Some(line));
            *one
        }
        ([_, _], Some((_, fact))) => {
            let line = fact.line;
            a.guess(format!(
                "the document names both PostgreSQL and MySQL (line {line}); engine postgres"
            ));
            a.field("engine", "postgres", None);
            Engine::Postgres
        }
        _ => {
            a.guess("no engine in the document; engine postgres");
            a.field("engine", "postgres", None);
            Engine::Postgres
        }
    };
    let version = a.first(|w| match w {
        What::EngineVersion(v) => Some(v.clone()),
        _ => None,
    });
    match version {
        Some((v, fact, _)) => {
            let line = fact.line;
            a.field("engine_version", format!("\"{v}\""), Some(line));
        }
        None => {
            let v = match (engine, a.kind) {
                (Engine::Mysql, Kind::Aurora) => "8.0.mysql_aurora.3.08.0",
                (Engine::Mysql, _) => "8.0.39",
                _ => "16.4",
            };
            a.guess(format!(
                "no engine version in the document; {v} (the DR copy runs the same)"
            ));
            a.field("engine_version", format!("\"{v}\""), None);
        }
    }
    if a.kind == Kind::Rds {
        if let Some((_, fact, _)) = a.first(|w| (*w == What::MultiAz).then_some(())) {
            let line = fact.line;
            a.field("multi_az", true, Some(line));
        }
        if let Some((n, fact, fallback)) = a.first(|w| match w {
            What::StorageGb(n) => Some(*n),
            _ => None,
        }) {
            let line = (!fallback).then_some(fact.line);
            a.field("storage_gb", n, line);
        }
    }
}

fn engine_name(e: Engine) -> &'static str {
    match e {
        Engine::Postgres => "postgres",
        Engine::Mysql => "mysql",
    }
}

fn retention(a: &mut Asset) {
    let Some((days, fact, fallback)) = a.first(|w| match w {
        What::RetentionDays(n) => Some(*n),
        _ => None,
    }) else {
        return;
    };
    let line = (!fallback).then_some(fact.line);
    let stated_line = fact.line;
    let fitted = match a.kind {
        Kind::Rds | Kind::Aurora => days.clamp(1, 35),
        Kind::Cloudwatch | Kind::Cloudtrail => LOG_RETENTION_DAYS.iter().copied().find(|&d| d >= days).unwrap_or(3653),
        _ => days,
    };
    if fitted == days {
        a.field("retention_days", days, line);
    } else {
        a.guess(format!(
            "the document says {days} days (line {stated_line}); retention_days {fitted}, the nearest {} accepts",
            a.kind
        ));
        a.field("retention_days", fitted, None);
    }
}

fn dns(a: &mut Asset) {
    let host = a.first(|w| match w {
        What::Hostname(h) => Some(h.clone()),
        _ => None,
    });
    match host {
        Some((h, fact, _)) => {
            let line = fact.line;
            let labels: Vec<&str> = h.split('.').collect();
            if labels.len() >= 3 {
                let record = labels[0].to_string();
                let zone = labels[1..].join(".");
                a.field("zone", zone, Some(line));
                a.field("record", record, Some(line));
            } else {
                a.field("zone", &h, Some(line));
                a.lines
                    .push("    record: app # TODO: the record name in the zone".into());
            }
        }
        None => {
            a.lines
                .push("    zone: example.com # TODO: your hosted zone (the document names none)".into());
            a.lines.push("    record: app # TODO: the record name".into());
        }
    }
}

fn render_asset(yaml: &mut String, a: &Asset, outline: &Outline) {
    let lines = a.namings.iter().map(|f| f.line);
    match a.namings.first() {
        Some(f) => {
            let _ = writeln!(
                yaml,
                "  # line {}: {}{}",
                f.line,
                quote(&f.context),
                also(lines, f.line)
            );
        }
        None => {
            let _ = writeln!(yaml, "  # not named in the document");
        }
    }
    for g in &a.guesses {
        let _ = writeln!(yaml, "  # guess: {g}");
    }
    let _ = writeln!(yaml, "  - kind: {}\n    name: {}", a.kind, a.name);
    let purpose = purpose(a, outline);
    if !purpose.is_empty() {
        let _ = writeln!(yaml, "    purpose: {}", yaml_str(&purpose));
    }
    for l in &a.lines {
        let _ = writeln!(yaml, "{l}");
    }
    if !a.kind.target_kinds().is_empty() {
        match &a.target {
            Some(t) => {
                let _ = writeln!(yaml, "    target: {t}");
            }
            None => {
                let kinds: Vec<&str> = a.kind.target_kinds().iter().map(|k| k.as_str()).collect();
                let _ = writeln!(
                    yaml,
                    "    target: TODO # TODO: the document names no {} for it",
                    kinds.join(" or ")
                );
            }
        }
    }
    let _ = writeln!(yaml, "    dr: {}", a.dr);
}

/// What the asset is for: the item's "Purpose:" line when its title names
/// it, else the line that names it.
fn purpose(a: &Asset, outline: &Outline) -> String {
    let Some(f) = a.namings.first() else {
        return String::new();
    };
    if f.strength == strength::TITLE {
        let vocab = vocabulary();
        let field = outline.lines.iter().find(|l| {
            l.section == f.section
                && l.field
                && !l.rest.is_empty()
                && l.label.as_deref().is_some_and(|x| {
                    let p = padded(x);
                    vocab.is_field(x) && [" purpose ", " description ", " objectif ", " role "].contains(&p.as_str())
                })
        });
        if let Some(l) = field {
            return shorten(&l.rest, 160);
        }
    }
    shorten(&f.context, 160)
}

fn render_regions(yaml: &mut String, regions: &[RegionFact], warnings: &mut Vec<String>) {
    let mut distinct: Vec<&RegionFact> = Vec::new();
    for r in regions {
        if !distinct.iter().any(|d| d.code == r.code) {
            distinct.push(r);
        }
    }
    let primary = distinct
        .iter()
        .find(|r| r.dr == Some(false))
        .or_else(|| distinct.iter().find(|r| r.dr != Some(true)))
        .or_else(|| distinct.first())
        .copied();
    let dr = distinct
        .iter()
        .find(|r| r.dr == Some(true) && Some(r.code) != primary.map(|p| p.code))
        .or_else(|| distinct.iter().find(|r| Some(r.code) != primary.map(|p| p.code)))
        .copied();
    let _ = writeln!(yaml, "regions:");
    if primary.is_none() {
        let _ = writeln!(
            yaml,
            "  # TODO: the document names no AWS region: replace both placeholders\n  # (e.g. us-east-1 and us-west-2); `acmegen render` refuses them until then."
        );
        warnings.push("the document names no AWS region: fill in regions.primary and regions.dr".into());
    }
    for (key, found, placeholder) in [("primary", primary, PRIMARY_PLACEHOLDER), ("dr", dr, DR_PLACEHOLDER)] {
        match found {
            Some(r) if r.written == r.code => {
                let _ = writeln!(yaml, "  {key}: {} # line {}", r.code, r.line);
            }
            Some(r) => {
                let note = format!("\"{}\" (line {}) read as {}", r.written, r.line, r.code);
                let _ = writeln!(yaml, "  # guess: {note}\n  {key}: {}", r.code);
                warnings.push(format!("line {}: {key} region: {note}", r.line));
            }
            None => {
                if primary.is_some() {
                    let _ = writeln!(
                        yaml,
                        "  # TODO: the document names only {}; pick the DR region",
                        primary.map_or("", |p| p.code)
                    );
                    warnings.push("the document names no DR region: fill in regions.dr".into());
                }
                let _ = writeln!(yaml, "  {key}: {placeholder}");
            }
        }
    }
}

/// The network plan the document states.
#[derive(Debug, Default)]
struct Network {
    primary_cidr: Option<(Cidr, usize)>,
    dr_cidr: Option<(Cidr, usize)>,
    azs: Option<(u8, usize)>,
    dr_azs: Option<(u8, usize)>,
    public_prefix: Option<(u8, usize)>,
    private_prefix: Option<(u8, usize)>,
    subnet_azs: Option<(u8, usize)>,
    nat: Option<(bool, usize)>,
    dr_nat: Option<(bool, usize)>,
}

impl Network {
    fn from_facts(facts: &[Fact], _assets: &[Asset]) -> Network {
        let mut n = Network::default();
        let mut public: Vec<(Cidr, usize)> = Vec::new();
        let mut private: Vec<(Cidr, usize)> = Vec::new();
        let mut cidrs: Vec<(Cidr, usize, bool)> = Vec::new();
        for f in facts {
            let set = |slot: &mut Option<(u8, usize)>, v: u8| {
                slot.get_or_insert((v, f.line));
            };
            match &f.what {
                What::VpcCidr(c) => cidrs.push((*c, f.line, f.dr_context)),
                What::PublicSubnet(c) if !f.dr_context => public.push((*c, f.line)),
                What::PrivateSubnet(c) if !f.dr_context => private.push((*c, f.line)),
                What::PublicPrefix(p) if !f.dr_context => set(&mut n.public_prefix, *p),
                What::PrivatePrefix(p) if !f.dr_context => set(&mut n.private_prefix, *p),
                What::Azs(z) if f.dr_context => set(&mut n.dr_azs, *z),
                What::Azs(z) => set(&mut n.azs, *z),
                What::NatPerAz(b) if f.dr_context => {
                    n.dr_nat.get_or_insert((*b, f.line));
                }
                What::NatPerAz(b) => {
                    n.nat.get_or_insert((*b, f.line));
                }
                _ => {}
            }
        }
        n.primary_cidr = cidrs.iter().find(|c| !c.2).map(|c| (c.0, c.1));
        n.dr_cidr = cidrs
            .iter()
            .find(|c| c.2 && n.primary_cidr.is_none_or(|p| !p.0.overlaps(c.0)))
            .or_else(|| {
                cidrs
                    .iter()
                    .find(|c| n.primary_cidr.is_some_and(|p| !p.0.overlaps(c.0)))
            })
            .map(|c| (c.0, c.1));
        if n.public_prefix.is_none() {
            n.public_prefix = public.first().map(|(c, l)| (c.prefix, *l));
        }
        if n.private_prefix.is_none() {
            n.private_prefix = private.first().map(|(c, l)| (c.prefix, *l));
        }
        let count = |v: &[(Cidr, usize)]| {
            let mut c: Vec<Cidr> = v.iter().map(|x| x.0).collect();
            c.sort();
            c.dedup();
            c.len()
        };
        let (p, q) = (count(&public), count(&private));
        if p == q && (1..=6).contains(&p) {
            n.subnet_azs = Some((p as u8, public[0].1.min(private[0].1)));
        }
        n
    }

    fn stated(&self) -> bool {
        self.primary_cidr.is_some()
            || self.dr_cidr.is_some()
            || self.azs.is_some()
            || self.dr_azs.is_some()
            || self.public_prefix.is_some()
            || self.private_prefix.is_some()
            || self.subnet_azs.is_some()
            || self.nat.is_some()
            || self.dr_nat.is_some()
    }

    fn primary_azs(&self) -> Option<u8> {
        self.azs.or(self.subnet_azs).map(|a| a.0)
    }

    fn render(&self, yaml: &mut String, assets: &[Asset], warnings: &mut Vec<String>) {
        if !self.stated() {
            return;
        }
        let mut guess = |yaml: &mut String, indent: &str, note: String| {
            let _ = writeln!(yaml, "{indent}# guess: {note}");
            warnings.push(format!("network: {note}"));
        };
        let two_az_kinds: Vec<&str> = assets
            .iter()
            .filter(|a| matches!(a.kind, Kind::Eks | Kind::Alb | Kind::Rds | Kind::Aurora))
            .map(|a| a.kind.as_str())
            .collect();
        let _ = writeln!(yaml, "network:\n  primary:");
        let cidr = match self.primary_cidr {
            Some((c, line)) => {
                let _ = writeln!(yaml, "    cidr: {c} # line {line}");
                c
            }
            None => {
                let c: Cidr = "10.0.0.0/16".parse().expect("valid CIDR");
                guess(yaml, "    ", "no VPC CIDR in the document; 10.0.0.0/16".into());
                let _ = writeln!(yaml, "    cidr: {c}");
                c
            }
        };
        let mut azs = None;
        match (self.azs, self.subnet_azs) {
            (Some((z, line)), _) => azs = Some((z, Some(line))),
            (None, Some((z, line))) => {
                guess(
                    yaml,
                    "    ",
                    format!("{z} public and {z} private subnets listed (line {line}): {z} availability zones"),
                );
                azs = Some((z, None));
            }
            _ => {}
        }
        if let Some((1, _)) = azs {
            if !two_az_kinds.is_empty() {
                guess(
                    yaml,
                    "    ",
                    format!(
                        "the document says a single AZ; {} need subnets in two: 2 AZs",
                        two_az_kinds.join(", ")
                    ),
                );
                azs = Some((2, None));
            }
        }
        if let Some((z, line)) = azs {
            let _ = writeln!(
                yaml,
                "    azs: {z}{}",
                line.map(|l| format!(" # line {l}")).unwrap_or_default()
            );
        }
        let mut public = self.public_prefix;
        let mut private = self.private_prefix;
        let fits = |public: Option<(u8, usize)>, private: Option<(u8, usize)>| {
            let net = RegionNetwork {
                cidr: cidr.to_string(),
                azs: azs.map(|a| a.0),
                public_prefix: public.map(|p| p.0),
                private_prefix: private.map(|p| p.0),
                nat_per_az: None,
            };
            crate::plan::network::subnets(cidr, &net, 3).is_some()
        };
        if !fits(public, private) {
            guess(
                yaml,
                "    ",
                "the stated subnet sizes do not fit the VPC; acmegen's defaults".to_string(),
            );
            public = None;
            private = None;
        }
        for (key, v) in [("public_prefix", public), ("private_prefix", private)] {
            if let Some((p, line)) = v {
                let _ = writeln!(yaml, "    {key}: {p} # line {line}");
            }
        }
        if let Some((b, line)) = self.nat {
            let _ = writeln!(yaml, "    nat_per_az: {b} # line {line}");
        }
        let _ = writeln!(yaml, "  dr:");
        match self.dr_cidr {
            Some((c, line)) => {
                let _ = writeln!(yaml, "    cidr: {c} # line {line}");
            }
            None => {
                let next = (0u32..250)
                    .map(|i| Cidr {
                        addr: (10 << 24) | (i << 16),
                        prefix: 16,
                    })
                    .find(|c| !c.overlaps(cidr))
                    .unwrap_or(Cidr {
                        addr: (10 << 24) | (1 << 16),
                        prefix: 16,
                    });
                guess(
                    yaml,
                    "    ",
                    format!("no DR VPC CIDR in the document; {next}, the next /16 that does not overlap the primary"),
                );
                let _ = writeln!(yaml, "    cidr: {next}");
            }
        }
        match (self.dr_azs, azs) {
            (Some((1, line)), _) if !two_az_kinds.is_empty() => {
                guess(
                    yaml,
                    "    ",
                    format!(
                        "the document says a single AZ for DR (line {line}); {} need subnets in two: 2 AZs",
                        two_az_kinds.join(", ")
                    ),
                );
                let _ = writeln!(yaml, "    azs: 2");
            }
            (Some((z, line)), _) => {
                let _ = writeln!(yaml, "    azs: {z} # line {line}");
            }
            (None, Some((z, _))) => {
                guess(yaml, "    ", format!("azs {z} as in the primary region"));
                let _ = writeln!(yaml, "    azs: {z}");
            }
            (None, None) => {}
        }
        if public.is_some() || private.is_some() {
            guess(yaml, "    ", "the primary region's subnet sizes".to_string());
        }
        for (key, v) in [("public_prefix", public), ("private_prefix", private)] {
            if let Some((p, _)) = v {
                let _ = writeln!(yaml, "    {key}: {p}");
            }
        }
        match (self.dr_nat, self.nat) {
            (Some((b, line)), _) => {
                let _ = writeln!(yaml, "    nat_per_az: {b} # line {line}");
            }
            (None, Some((b, _))) => {
                guess(yaml, "    ", format!("nat_per_az {b} as in the primary region"));
                let _ = writeln!(yaml, "    nat_per_az: {b}");
            }
            (None, None) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dr_intents_fit_the_kind() {
        assert_eq!(fit(DrStrategy::Active, Kind::Rds), Some(DrStrategy::Replica));
        assert_eq!(fit(DrStrategy::Replica, Kind::Eks), Some(DrStrategy::Active));
        assert_eq!(
            fit(DrStrategy::PilotLight, Kind::K8sMonitoring),
            Some(DrStrategy::Active)
        );
        assert_eq!(fit(DrStrategy::Backup, Kind::Eks), None);
        assert_eq!(fit(DrStrategy::Backup, Kind::S3), Some(DrStrategy::Backup));
    }

    #[test]
    fn also_lists_other_lines() {
        assert_eq!(also([3, 5, 5, 9], 3), "; also lines 5, 9");
        assert_eq!(also([3], 3), "");
        assert_eq!(also([1, 2], 1), "; also line 2");
    }

    #[test]
    fn text_subjects_prefer_components_over_categories() {
        assert_eq!(text_subjects("the RDS database"), [Some(Kind::Rds)]);
        assert!(text_subjects("the database backups").is_empty());
        assert_eq!(text_subjects("CloudWatch (and Grafana)"), [Some(Kind::Cloudwatch)]);
        assert_eq!(text_subjects("Traefik proxy"), [None]);
        assert!(text_subjects("a single AZ").is_empty());
    }
}
