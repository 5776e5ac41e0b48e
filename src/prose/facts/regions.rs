//! AWS regions named in a document: region codes, or city names in a
//! sentence about a region, with the side (primary or DR) the line gives.

use super::super::outline::{LineKind, Outline};
use super::super::text::{fold, padded};
use super::super::vocabulary::vocabulary;
use super::any;
use crate::catalog;

/// An AWS region named in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegionFact {
    /// Region code.
    pub code: &'static str,
    /// Line number.
    pub line: usize,
    /// As written (a code or a city).
    pub written: String,
    /// Some(true) for a DR region, Some(false) for a primary one, None when the line does not say.
    pub dr: Option<bool>,
}

/// AWS regions named in `outline`, by code ("eu-west-3") or by city when
/// the line speaks of a region ("Paris region"), in document order.
pub fn regions(outline: &Outline) -> Vec<RegionFact> {
    let vocab = vocabulary();
    let mut out = Vec::new();
    for line in &outline.lines {
        if outline.excluded(line) || line.kind == LineKind::Blank {
            continue;
        }
        let folded = fold(&line.text);
        let words: Vec<&str> = folded.split_whitespace().filter(|w| !w.contains("://")).collect();
        let w = padded(&line.text);
        let says_dr = any(
            &w,
            &[
                " dr ",
                " disaster ",
                " failover ",
                " secondary ",
                " standby ",
                " recovery ",
                " target region ",
            ],
        );
        let says_primary = any(&w, &[" primary ", " main ", " source region ", " principal "]);
        let dr = match (says_dr, says_primary) {
            (true, false) => Some(true),
            (false, true) => Some(false),
            _ => None,
        };
        let mut found: Vec<(usize, &'static str, String)> = Vec::new();
        let mut offset = 0;
        for word in words
            .iter()
            .flat_map(|w| w.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-')))
        {
            offset += 1;
            if let Some((code, _)) = catalog::REGIONS.iter().find(|(r, _)| *r == word) {
                found.push((offset, code, word.to_string()));
            }
        }
        if found.is_empty() && (w.contains(" region ") || w.contains(" aws ")) {
            for (pos, code) in vocab.region_names(&w) {
                let written = w[pos..].split_whitespace().next().unwrap_or(code).to_string();
                found.push((pos, code, written));
            }
        }
        for (_, code, written) in found {
            out.push(RegionFact {
                code,
                line: line.number,
                written,
                dr,
            });
        }
    }
    out
}
