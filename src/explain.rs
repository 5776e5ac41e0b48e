//! `acmegen explain`: what each region gets, per asset, before anyone reads HCL.

use crate::plan::expr::{Ref, Root as RefRoot};
use crate::plan::{Expr, ModuleCall, Origin, Plan, RootPlan, VarRole};
use crate::verify::Index;
use serde::Serialize;
use std::path::Path;

/// The plan of both regions.
#[derive(Debug, Serialize)]
pub struct Report {
    /// Inventory name.
    pub name: String,
    /// Primary then DR.
    pub regions: Vec<RegionReport>,
}

/// The module calls of one region.
#[derive(Debug, Serialize)]
pub struct RegionReport {
    /// primary or dr.
    pub role: String,
    /// AWS region.
    pub region: String,
    /// One row per module call.
    pub rows: Vec<Row>,
}

/// One module call.
#[derive(Debug, Serialize)]
pub struct Row {
    /// Module block label.
    pub module: String,
    /// Asset name ("" for implicit infrastructure).
    pub asset: String,
    /// Asset kind (implicit infrastructure: the kind it stands in for, or what it is).
    pub kind: String,
    /// DR strategy of the asset (`implicit` for infrastructure acmegen adds).
    pub strategy: String,
    /// Instances, nodes or addresses in this region, when the asset scales.
    pub quantity: Option<i64>,
    /// Condition under which the call is created, if any.
    pub condition: Option<String>,
    /// Resource types the module manages, with those of the modules it
    /// calls (as the verifier indexed them).
    pub resources: Vec<String>,
}

/// The instances, nodes or addresses a call runs here: the default of the
/// capacity variable it is given, if any.
fn quantity(root: &RootPlan, m: &ModuleCall) -> Option<i64> {
    m.args.iter().find_map(|(_, value)| {
        let Expr::Ref(Ref {
            root: RefRoot::Var(name),
            steps,
        }) = value
        else {
            return None;
        };
        let var = root
            .variable(name)
            .filter(|v| steps.is_empty() && v.role == VarRole::Capacity)?;
        var.default.as_ref()?.render().parse().ok()
    })
}

fn region(root: &RootPlan, index: &Index) -> RegionReport {
    let rows = root
        .modules
        .iter()
        .map(|m| {
            let (asset, kind, strategy) = match &m.origin {
                Origin::Asset { name, kind, strategy } => {
                    (name.clone(), kind.as_str().to_string(), strategy.as_str().to_string())
                }
                Origin::Implicit { what, kind } => (
                    String::new(),
                    kind.map_or_else(|| what.to_string(), |k| k.as_str().to_string()),
                    "implicit".to_string(),
                ),
            };
            Row {
                module: m.label.clone(),
                asset,
                kind,
                strategy,
                quantity: quantity(root, m),
                condition: m.count.as_ref().map(Expr::render),
                resources: index.resource_types(&Path::new("modules").join(&m.source)),
            }
        })
        .collect();
    RegionReport {
        role: root.role.as_str().into(),
        region: root.region.clone(),
        rows,
    }
}

/// Build the report of `plan`, whose modules' resource types come from
/// `index`: the verified shared modules ([`crate::pipeline::Modules::index`]).
pub fn explain(plan: &Plan, index: &Index) -> Report {
    Report {
        name: plan.name.clone(),
        regions: plan.roots().iter().map(|r| region(r, index)).collect(),
    }
}

/// Render the report as aligned text tables, one per region.
pub fn table(r: &Report) -> String {
    let mut out = String::new();
    for reg in &r.regions {
        out.push_str(&format!("{} — {} ({})\n", r.name, reg.role, reg.region));
        let header = ["MODULE", "KIND", "DR", "QTY", "RESOURCES"];
        let rows: Vec<[String; 5]> = reg
            .rows
            .iter()
            .map(|row| {
                let qty = row.quantity.map_or("-".into(), |q| q.to_string());
                let qty = if row.condition.is_some() {
                    format!("{qty}*")
                } else {
                    qty
                };
                [
                    row.module.clone(),
                    row.kind.clone(),
                    row.strategy.clone(),
                    qty,
                    row.resources.join(", "),
                ]
            })
            .collect();
        let mut widths = header.map(str::len);
        for row in &rows {
            for (w, cell) in widths.iter_mut().zip(row.iter()).take(4) {
                *w = (*w).max(cell.len());
            }
        }
        let line = |cells: [&str; 5]| {
            let mut s = String::new();
            for (i, c) in cells.iter().enumerate() {
                if i < 4 {
                    s.push_str(&format!("{c:<w$}  ", w = widths[i]));
                } else {
                    s.push_str(c);
                }
            }
            s.trim_end().to_string() + "\n"
        };
        out.push_str(&line(header));
        for row in &rows {
            out.push_str(&line([&row[0], &row[1], &row[2], &row[3], &row[4]]));
        }
        if reg.rows.iter().any(|r| r.condition.is_some()) {
            out.push_str(
                "* conditional: created once the other root has published the facts it needs (the fact store, see main.tf)\n",
            );
        }
        out.push('\n');
    }
    out
}
