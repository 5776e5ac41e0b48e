//! Prose import: draft an inventory from a design doc that has no asset
//! table, from the components its headings, labels and bullets name.
//!
//! One module per concern, run in this order by [`import`]:
//! [`outline`] (sections and lines of the Markdown) → [`recognise`] (which
//! components the document names, not merely mentions) and [`facts`] (DR
//! intents, counts, sizes, CIDRs, regions stated line by line) →
//! [`draft`] (assets, guesses, TODOs, YAML). The words it understands are
//! data in [`vocabulary`], French included; [`text`] normalizes both sides.
//!
//! Conventions of the draft: every value the document does not state is a
//! `# guess:` comment (and a warning); every component acmegen has no kind
//! for, and every category section ("Backup") that names none, is a
//! `# TODO` comment naming the line it came from; parts acmegen builds
//! inside other assets (subnets, NAT gateways, IAM roles…) are `# note:`
//! comments. Regions the document does not name stay placeholders that
//! validation rejects, so the user fills them in: a region is a decision
//! (latency, data residency, cost) the importer has no grounds to guess.

pub mod draft;
pub mod facts;
pub mod outline;
pub mod recognise;
pub mod text;
pub mod vocabulary;

use crate::import::{ImportError, Imported};

/// Draft an inventory from the prose of `doc`; `name` becomes the
/// inventory name and `source` its `source:` field. Fails when no
/// heading, label or bullet names a component acmegen can model.
pub fn import(doc: &str, name: &str, source: &str) -> Result<Imported, ImportError> {
    let outline = outline::Outline::parse(doc);
    let recognised = recognise::recognise(&outline);
    let facts = facts::facts(&outline);
    let regions = facts::regions(&outline);
    let Some(draft) = draft::draft(&outline, &recognised, &facts, &regions, name, source) else {
        let mut named: Vec<&str> = recognised
            .findings
            .iter()
            .filter(|f| recognise::concrete(f.term.role))
            .map(|f| f.term.label)
            .collect();
        named.dedup();
        let found = if named.is_empty() {
            String::new()
        } else {
            format!(" (it names only: {})", named.join(", "))
        };
        return Err(ImportError(format!(
            "no asset table found, and no heading, label or bullet names a component acmegen can model{found}"
        )));
    };
    Ok(Imported {
        yaml: draft.yaml,
        warnings: draft.warnings,
        mapped: draft.assets,
        unmapped: draft.todos,
    })
}
