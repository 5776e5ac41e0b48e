//! Drafting: recognised components and stated facts become an inventory.
//!
//! - One asset per kind the document names (namings of one kind merge:
//!   design docs describe one ALB, one cluster, one database); a part whose
//!   owner is missing adds it ("managed node groups" → an eks cluster); an
//!   asset that needs a target the document only mentions in passing gets
//!   it (Global Accelerator → the load balancer of "the secondary region's
//!   Load balancer").
//! - A fact describes the asset its sentence names first (its subject; a
//!   title's facts describe every asset it names), else the subject of the
//!   nearest section with one; a section about something acmegen cannot
//!   model keeps its facts. DR intents with no subject at all apply to the
//!   whole document; a size or count with none goes to the only asset it
//!   can describe.
//! - Everything not stated is a `# guess:` (and a warning); every component
//!   with no kind and every category section naming nothing is a `# TODO`.
//!
//! Submodules: [`dr`] (DR strategy per asset), [`fields`] (sizes, counts,
//! engines… per asset), [`network`] (the VPC plan), [`render`] (YAML).

mod dr;
mod fields;
mod network;
mod render;

use super::facts::{Fact, RegionFact, What};
use super::outline::Outline;
use super::recognise::{concrete, strength, Finding, Recognised};
use super::text::{padded, shorten, without_asides, yaml_str};
use super::vocabulary::{vocabulary, Role, Term};
use crate::inventory::{DrStrategy, Kind};
use crate::kinds::NodePort;
use dr::{consistent_dr, resolve_dr, RESOLUTION_ORDER};
use network::Network;
use render::{render_asset, render_regions};
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

/// One drafted asset while it is being built.
struct Asset {
    kind: Kind,
    name: String,
    /// Where the document names it, the best naming first.
    namings: Vec<Finding>,
    /// Why it was added without being named (a part's owner, a target).
    added: Option<String>,
    /// Facts describing it; `true` when it got the fact as the only asset that fits.
    facts: Vec<(Fact, bool)>,
    /// `# guess:` notes.
    guesses: Vec<String>,
    /// Rendered kind-specific `key: value` lines.
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
    /// These assets (indices); `true` when chosen as the only asset the fact fits.
    Assets(Vec<usize>, bool),
    /// A DR intent about the whole design.
    Document,
    /// Something the draft does not model.
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

/// Categories that can be what a sentence is about ("the database is a
/// cross-region read replica"); others ("backups", "encryption") are what
/// the sentence says.
const SUBJECT_CATEGORIES: &[&str] = &[
    "database",
    "dns",
    "load_balancing",
    "networking",
    "orchestration",
    "registry",
    "compute",
];

/// Subjects of a sentence: the components it names outside asides, else
/// the asset categories it names.
fn text_subjects(text: &str) -> Vec<Subject> {
    let found = vocabulary().find(&padded(&without_asides(text)));
    let components: Vec<Subject> = found
        .iter()
        .filter(|m| concrete(m.term.role))
        .flat_map(|m| subjects_of(m.term.role))
        .collect();
    if !components.is_empty() {
        return components;
    }
    found
        .iter()
        .filter(|m| SUBJECT_CATEGORIES.contains(&m.term.id))
        .flat_map(|m| subjects_of(m.term.role))
        .collect()
}

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
        for &kind in Kind::ALL {
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
                "added: {dependent} needs a target of kind {kind}; the document mentions \"{}\" at line {line}",
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
        let mut named = pick(&line);
        if !named.is_empty() {
            // A sentence's facts describe its subject, the first asset it names;
            // a title's describe every asset it names.
            let title = self.outline.sections.iter().any(|s| s.line == fact.line);
            if !title {
                named.sort_by_key(|&i| line.iter().position(|s| *s == Some(self.assets[i].kind)));
                named.truncate(1);
            }
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
    let network = Network::from_facts(facts);
    for i in 0..d.assets.len() {
        targets(&mut d.assets, i);
    }
    ingress(&mut d.assets);
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
    let fronted: Vec<String> = d
        .assets
        .iter()
        .filter(|a| a.kind == Kind::Alb)
        .filter_map(|a| a.target.clone())
        .collect();
    for a in &mut d.assets {
        let behind = fronted.contains(&a.name);
        fields::fields(a, azs, behind);
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
    if d.assets.iter().any(|a| a.kind == Kind::K8sMonitoring) {
        let _ = writeln!(
            yaml,
            "ebs_default_encryption: true # guess: the monitoring stack keeps its data on EBS volumes, encrypted with the region's key"
        );
    }
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

/// A load balancer in front of a cluster needs something on its NodePort:
/// when the draft has no router or app on that cluster, add Traefik there.
fn ingress(assets: &mut Vec<Asset>) {
    let clusters: Vec<(String, String)> = assets
        .iter()
        .filter(|a| a.kind == Kind::Alb)
        .filter_map(|lb| {
            let t = lb.target.as_ref()?;
            assets
                .iter()
                .any(|c| &c.name == t && c.kind == Kind::Eks)
                .then(|| (lb.name.clone(), t.clone()))
        })
        .collect();
    for (lb, cluster) in clusters {
        let served = assets
            .iter()
            .any(|a| a.kind.spec().node_port != NodePort::Nothing && a.target.as_deref() == Some(cluster.as_str()));
        if served {
            continue;
        }
        let mut router = Asset::new(
            Kind::Traefik,
            Vec::new(),
            Some(format!(
                "added: load balancer `{lb}` reaches cluster `{cluster}` on a NodePort, and the document names nothing that serves it: Traefik listens there and routes to the cluster's apps"
            )),
        );
        router.target = Some(cluster);
        assets.push(router);
    }
    assets.sort_by_key(|a| Kind::ALL.iter().position(|&k| k == a.kind));
}

/// Point an asset that needs a target at the draft's asset of a fitting kind,
/// in the order of preference of its kind's spec (Route 53 prefers the
/// accelerator over the load balancer).
fn targets(assets: &mut [Asset], i: usize) {
    let present: Vec<(Kind, String)> = assets[i]
        .kind
        .target_kinds()
        .iter()
        .filter_map(|&k| assets.iter().find(|a| a.kind == k))
        .map(|a| (a.kind, a.name.clone()))
        .collect();
    if let Some((kind, name)) = present.first().cloned() {
        let others: Vec<&str> = present[1..].iter().map(|(k, _)| k.as_str()).collect();
        let why = if others.is_empty() {
            format!("target {name}, the draft's {kind}")
        } else {
            format!(
                "target {name}, the draft's {kind} (preferred over {})",
                others.join(", ")
            )
        };
        assets[i].guess(why);
        assets[i].target = Some(name);
    }
}

impl Asset {
    fn in_dr(&self) -> bool {
        !matches!(self.dr, DrStrategy::None | DrStrategy::Backup)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn also_lists_other_lines() {
        assert_eq!(also([3, 5, 5, 9], 3), "; also lines 5, 9");
        assert_eq!(also([3], 3), "");
        assert_eq!(also([1, 2], 1), "; also line 2");
    }

    #[test]
    fn text_subjects_prefer_components_over_categories() {
        assert_eq!(text_subjects("the RDS database"), [Some(Kind::Rds)]);
        assert!(text_subjects("automated backups and encryption").is_empty());
        assert_eq!(
            text_subjects("the database is a read replica"),
            [Some(Kind::Rds), Some(Kind::Aurora)]
        );
        assert_eq!(text_subjects("CloudWatch (and Grafana)"), [Some(Kind::Cloudwatch)]);
        assert_eq!(text_subjects("Traefik proxy"), [Some(Kind::Traefik)]);
        assert_eq!(text_subjects("NGINX ingress"), [None]);
        assert!(text_subjects("a single AZ").is_empty());
    }
}
