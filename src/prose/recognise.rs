//! Component recognition: which components a document *names*, as opposed
//! to merely mentions.
//!
//! A component is named by a section title (heading, bold label, numbered
//! pseudo-heading), by a bullet's label (`VPC Peering: …`) or bold text, by
//! the object of a leading verb (`Install cert manager, which…`), or by a
//! short bullet (`* Traefik`, `* Jenkins, for example, …`). A long sentence
//! that passes by a component ("Global Accelerator assigns a DNS name…")
//! names nothing. Sections whose title is only a category ("Monitoring",
//! "Backups") promote the concrete components their own lines mention
//! (outside parentheses); a category section that names none is reported.
//! Nothing under excluded sections (references, risks, single points of
//! failure, tests…) counts.

use super::outline::{Line, LineKind, Outline};
use super::text::{first_clause, padded, without_asides};
use super::vocabulary::{vocabulary, Match, Role, Term};

/// How strongly a line names a component.
pub mod strength {
    /// Promoted from a sentence of a category section.
    pub const PROMOTED: u8 = 0;
    /// A short bullet or the object of a leading verb.
    pub const BULLET: u8 = 1;
    /// A bullet label or bold text.
    pub const LABEL: u8 = 2;
    /// A section title.
    pub const TITLE: u8 = 3;
}

/// One place where the document names a component.
#[derive(Debug, Clone)]
pub struct Finding {
    /// The component.
    pub term: &'static Term,
    /// The key that matched, as written in the vocabulary.
    pub key: &'static str,
    /// Whether that key is a guess ("Kubernetes" → EKS).
    pub guess: bool,
    /// Line number.
    pub line: usize,
    /// Innermost section of the line (for a title: its own section).
    pub section: Option<usize>,
    /// See [`strength`].
    pub strength: u8,
    /// Whether the naming is a question ("ALB ?").
    pub question: bool,
    /// Whether it is the only concrete component of its naming context.
    pub alone: bool,
    /// The line's words, for comments.
    pub context: String,
}

/// A section titled with a category that names no component.
#[derive(Debug, Clone)]
pub struct EmptyCategory {
    /// The category term.
    pub term: &'static Term,
    /// The section.
    pub section: usize,
}

/// Everything recognised in a document.
#[derive(Debug, Clone, Default)]
pub struct Recognised {
    /// Namings, in line order.
    pub findings: Vec<Finding>,
    /// Every term anywhere in the text (outside excluded sections and code), by line.
    pub mentions: Vec<(usize, Match)>,
    /// Category sections without a component.
    pub empty_categories: Vec<EmptyCategory>,
}

/// Whether a role stands for a concrete component (not a category).
pub fn concrete(role: Role) -> bool {
    !matches!(role, Role::Category(_))
}

fn is_named(role: Role) -> bool {
    matches!(role, Role::Asset(_) | Role::Todo)
}

/// Recognise the components `outline` names.
pub fn recognise(outline: &Outline) -> Recognised {
    let vocab = vocabulary();
    let mut out = Recognised::default();
    let add = |out: &mut Recognised, ctx: &str, line, section, strength, question, context: &str| {
        let matches = heads(ctx);
        let mut ids: Vec<&str> = matches
            .iter()
            .filter(|m| concrete(m.term.role))
            .map(|m| m.term.id)
            .collect();
        ids.dedup();
        let named = ids.len();
        for m in matches {
            out.findings.push(Finding {
                term: m.term,
                key: m.key,
                guess: m.guess,
                line,
                section,
                strength,
                question,
                alone: named == 1,
                context: context.to_string(),
            });
        }
    };
    for (i, s) in outline.sections.iter().enumerate() {
        if s.excluded {
            continue;
        }
        let strength = if s.is_bullet_label() {
            strength::BULLET
        } else {
            strength::TITLE
        };
        add(
            &mut out,
            &padded(&s.title),
            s.line,
            Some(i),
            strength,
            s.title.trim_end().ends_with('?'),
            &s.title,
        );
    }
    for line in &outline.lines {
        if outline.excluded(line) || !matches!(line.kind, LineKind::Bullet | LineKind::Text) {
            continue;
        }
        for m in vocab.find(&padded(&line.text)) {
            out.mentions.push((line.number, m));
        }
        let mut contexts: Vec<(String, u8, bool)> =
            line.bold.iter().map(|b| (padded(b), strength::LABEL, false)).collect();
        let body = match &line.label {
            Some(label) if !line.field => {
                contexts.push((padded(label), strength::LABEL, false));
                None
            }
            _ => Some(line.rest.as_str()),
        };
        // A table row's cells are each like a short bullet.
        let bodies: Vec<&str> = if line.cells.is_empty() {
            body.into_iter().collect()
        } else {
            line.cells.iter().map(String::as_str).collect()
        };
        for body in bodies.into_iter().filter(|b| !b.is_empty()) {
            let (clause, question) = first_clause(body);
            let object = vocab
                .verb_object(&clause)
                .filter(|o| vocab.find(o).iter().any(|m| concrete(m.term.role)));
            match object {
                Some(o) => contexts.push((o, strength::BULLET, question)),
                None if clause.split_whitespace().count() <= 6 => {
                    contexts.push((padded(&clause), strength::BULLET, question));
                }
                None => contexts.extend(subject(&clause).map(|s| (s, strength::BULLET, question))),
            }
        }
        for (ctx, strength, question) in contexts {
            add(
                &mut out,
                &ctx,
                line.number,
                line.section,
                strength,
                question,
                &line.text,
            );
        }
    }
    promote(outline, &mut out);
    out.findings.sort_by_key(|f| (f.line, std::cmp::Reverse(f.strength)));
    out.empty_categories = empty_categories(outline, &out.findings);
    out
}

/// The terms a naming context names: a guess key ("Kubernetes" → EKS) only
/// as the head of the phrase ("Orchestration: Kubernetes", not "a
/// Kubernetes operator").
fn heads(ctx: &str) -> Vec<Match> {
    let end = ctx.trim_end().len();
    vocabulary()
        .find(ctx)
        .into_iter()
        .filter(|m| !m.guess || m.start + padded(m.key).trim_end().len() == end)
        .collect()
}

/// Words that may precede a sentence's subject.
const DETERMINERS: &[&str] = &[
    "the", "a", "an", "amazon", "aws", "our", "un", "une", "le", "la", "les", "l",
];

/// The component a long clause starts with, its grammatical subject
/// ("CloudFront in front of the static assets"), with one joined by "and"
/// ("CloudWatch and CloudTrail record…"); None when it starts otherwise.
fn subject(clause: &str) -> Option<String> {
    let tokens = super::text::tokens(clause);
    let skip = tokens.iter().take_while(|t| DETERMINERS.contains(&t.as_str())).count();
    let rest = format!(" {} ", tokens[skip..].join(" "));
    let found = heads(&rest);
    let first = found.first().filter(|m| m.start == 0 && concrete(m.term.role))?;
    let mut end = first.start + padded(first.key).trim_end().len();
    if let Some(second) = found.get(1) {
        let between = rest[end..second.start].trim();
        if matches!(between, "and" | "or" | "et" | "ou") {
            end = second.start + padded(second.key).trim_end().len();
        }
    }
    Some(format!("{} ", &rest[..end]))
}

/// Sections titled only by categories, with the category term.
fn category_sections(outline: &Outline) -> Vec<(usize, &'static Term)> {
    let vocab = vocabulary();
    outline
        .sections
        .iter()
        .enumerate()
        .filter(|(_, s)| !s.excluded)
        .filter_map(|(i, s)| {
            let m = vocab.find(&padded(&s.title));
            let category = m.iter().find(|m| !concrete(m.term.role))?;
            (!m.iter().any(|m| concrete(m.term.role))).then_some((i, category.term))
        })
        .collect()
}

/// Sections whose title names nothing: their lead sentence says what they are about.
fn untitled_sections(outline: &Outline) -> Vec<usize> {
    let vocab = vocabulary();
    outline
        .sections
        .iter()
        .enumerate()
        .filter(|(_, s)| !s.excluded && vocab.find(&padded(&s.title)).is_empty())
        .map(|(i, _)| i)
        .collect()
}

/// In category sections the concrete components of every own line count;
/// in sections whose title names nothing, those of the lead line.
fn promote(outline: &Outline, out: &mut Recognised) {
    let vocab = vocabulary();
    let prose = |l: &&Line| matches!(l.kind, LineKind::Bullet | LineKind::Text) && !(l.field && l.rest.is_empty());
    let mut lines: Vec<&Line> = Vec::new();
    for (i, _) in category_sections(outline) {
        lines.extend(outline.lines.iter().filter(|l| l.section == Some(i)).filter(prose));
    }
    let mut leads: Vec<&Line> = Vec::new();
    for i in untitled_sections(outline) {
        leads.extend(outline.lines.iter().filter(|l| l.section == Some(i)).find(prose));
    }
    lines.sort_by_key(|l| l.number);
    lines.dedup_by_key(|l| l.number);
    // A lead line names what its first clause names; a category section's lines, all they name.
    let mut texts: Vec<(&Line, String)> = lines.into_iter().map(|l| (l, without_asides(&l.text))).collect();
    for l in leads {
        if !texts.iter().any(|(t, _)| t.number == l.number) {
            texts.push((l, first_clause(&l.rest).0));
        }
    }
    texts.sort_by_key(|(l, _)| l.number);
    for (line, text) in texts {
        let named: Vec<Match> = vocab
            .find(&padded(&text))
            .into_iter()
            .filter(|m| is_named(m.term.role) && !m.guess)
            .collect();
        let mut ids: Vec<&str> = named.iter().map(|m| m.term.id).collect();
        ids.dedup();
        let alone = ids.len() == 1;
        let matches: Vec<Match> = named
            .into_iter()
            .filter(|m| {
                !out.findings
                    .iter()
                    .any(|f| f.line == line.number && f.term.id == m.term.id)
            })
            .collect();
        for m in matches {
            out.findings.push(Finding {
                term: m.term,
                key: m.key,
                guess: m.guess,
                line: line.number,
                section: line.section,
                strength: strength::PROMOTED,
                question: false,
                alone,
                context: line.text.clone(),
            });
        }
    }
}

fn empty_categories(outline: &Outline, findings: &[Finding]) -> Vec<EmptyCategory> {
    category_sections(outline)
        .into_iter()
        .filter(|&(i, term)| {
            let within = |s: Option<usize>| outline.within(s, i);
            match term.role {
                Role::Category([]) => !outline
                    .lines
                    .iter()
                    .any(|l| within(l.section) && matches!(l.kind, LineKind::Bullet | LineKind::Text | LineKind::Code)),
                _ => !findings.iter().any(|f| within(f.section) && concrete(f.term.role)),
            }
        })
        .map(|(section, term)| EmptyCategory { term, section })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn named(doc: &str) -> Vec<(&'static str, usize, u8)> {
        let o = Outline::parse(doc);
        recognise(&o)
            .findings
            .iter()
            .filter(|f| concrete(f.term.role))
            .map(|f| (f.term.id, f.line, f.strength))
            .collect()
    }

    #[test]
    fn titles_labels_and_short_bullets_name_components() {
        let doc = "# Platform\n\n### Proxy: Traefik\n\n* Helm chart\n* Jenkins, for example, can be used.\n* Install cert manager, which renews certificates.\n* VPC Peering: connect the regions\n";
        assert_eq!(
            named(doc),
            [
                ("traefik", 3, strength::TITLE),
                ("jenkins", 6, strength::BULLET),
                ("cert_manager", 7, strength::BULLET),
                ("vpc_peering", 8, strength::LABEL),
            ]
        );
    }

    #[test]
    fn passing_mentions_and_excluded_sections_name_nothing() {
        let doc = "## AWS Global Accelerator\n\n* A single entry point for both regions.\n* Global Accelerator assigns a DNS name for accelerators, use this DNS name in Route 53.\n\n## Single point of Failures\n\n* Route53\n* Global accelerator\n";
        assert_eq!(
            named(doc),
            [
                ("global_accelerator", 1, strength::TITLE),
                ("global_accelerator", 4, strength::BULLET)
            ],
            "Global Accelerator is the sentence's subject; Route 53 only a mention"
        );
    }

    #[test]
    fn the_lead_line_of_an_untitled_section_names_components() {
        let doc = "## Web tier\n\nFour m6i.large EC2 instances behind an Application Load Balancer.\n\nLater we may add a Redis cache in front of the database.\n\n## Scaling\n\nWith EKS node groups, you need not provision the EC2 instances yourself.\n";
        assert_eq!(
            named(doc),
            [
                ("vm", 3, strength::PROMOTED),
                ("alb", 3, strength::PROMOTED),
                ("eks", 9, strength::BULLET),
                ("node_group", 9, strength::BULLET)
            ],
            "a lead line names what its first clause names, not the EC2 instances further on"
        );
    }

    #[test]
    fn category_sections_promote_their_components() {
        let doc = "## Monitoring\n\nWe rely on Amazon CloudWatch and CloudTrail for metrics and audit (later maybe Grafana).\n\n## Backup\n\n## Disaster Recovery\n";
        let o = Outline::parse(doc);
        let r = recognise(&o);
        let ids: Vec<&str> = r
            .findings
            .iter()
            .filter(|f| concrete(f.term.role))
            .map(|f| f.term.id)
            .collect();
        assert_eq!(ids, ["cloudwatch", "cloudtrail"], "the aside names nothing");
        let empty: Vec<&str> = r.empty_categories.iter().map(|e| e.term.id).collect();
        assert_eq!(empty, ["backup", "disaster_recovery"]);
    }

    #[test]
    fn a_long_clause_names_the_component_it_starts_with() {
        let doc = "## Edge\n\n* Our shop is served from two regions by design.\n* CloudFront in front of the static assets and the API\n* The CloudWatch and CloudTrail pair records API calls and metrics\n* Traffic goes from Route 53 to the load balancer and then on\n";
        let ids: Vec<&str> = named(doc).iter().map(|f| f.0).collect();
        assert_eq!(ids, ["cloudfront", "cloudwatch", "cloudtrail"]);
    }

    #[test]
    fn questions_are_marked() {
        let o = Outline::parse("### Proxy\n\n* ALB ?\n");
        let r = recognise(&o);
        assert!(r.findings.iter().any(|f| f.term.id == "alb" && f.question));
    }
}
