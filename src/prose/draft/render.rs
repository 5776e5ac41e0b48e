//! YAML of the draft's assets and regions, with their comments.

use super::super::facts::RegionFact;
use super::super::outline::{LineKind, Outline};
use super::super::recognise::strength;
use super::super::text::{padded, sentences, shorten, yaml_str};
use super::super::vocabulary::{vocabulary, Role};
use super::{also, quote, Asset, DR_PLACEHOLDER, PRIMARY_PLACEHOLDER};
use crate::inventory::Kind;
use std::fmt::Write as _;

pub(super) fn render_asset(yaml: &mut String, a: &Asset, outline: &Outline) {
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
        // A bare title ("EKS"): the first sentence under it that speaks of the asset.
        if f.context.split_whitespace().count() <= 2 {
            let speaks = outline.lines.iter().find(|l| {
                f.section.is_some_and(|s| outline.within(l.section, s))
                    && l.number > f.line
                    && matches!(l.kind, LineKind::Bullet | LineKind::Text)
                    && l.text.split_whitespace().count() >= 5
                    && vocab
                        .find(&padded(&l.text))
                        .iter()
                        .any(|m| m.term.role == Role::Asset(a.kind))
            });
            if let Some(l) = speaks {
                return shorten(&about(&l.text, a.kind), 160);
            }
        }
    }
    shorten(&about(&f.context, a.kind), 160)
}

/// The first sentence of `text` that names an asset of `kind` (else the first sentence).
fn about(text: &str, kind: Kind) -> String {
    let all = sentences(text);
    let names = |s: &&String| {
        vocabulary()
            .find(&padded(s))
            .iter()
            .any(|m| m.term.role == Role::Asset(kind))
    };
    all.iter().find(names).or(all.first()).cloned().unwrap_or_default()
}

pub(super) fn render_regions(yaml: &mut String, regions: &[RegionFact], warnings: &mut Vec<String>) {
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
