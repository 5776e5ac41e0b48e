//! Values of the plan the runbook's commands use: literal module arguments
//! (a variable resolves to its default) and names as shell words.

use super::*;

/// The literal value of `e` in `root`: a literal, or a root variable's default.
pub(super) fn literal<'e>(e: &'e Expr, root: &'e RootPlan) -> Option<&'e Expr> {
    match e {
        Expr::Ref(Ref {
            root: Root::Var(name),
            steps,
        }) if steps.is_empty() => literal(root.variable(name)?.default.as_ref()?, root),
        Expr::Str(_) | Expr::Num(_) | Expr::Bool(_) | Expr::List(_) => Some(e),
        _ => None,
    }
}

pub(super) fn arg_str(m: &ModuleCall, name: &str, root: &RootPlan) -> Option<String> {
    match literal(m.argument(name)?, root)? {
        Expr::Str(s) => Some(s.clone()),
        _ => None,
    }
}

pub(super) fn arg_num(m: &ModuleCall, name: &str, root: &RootPlan) -> Option<i64> {
    match literal(m.argument(name)?, root)? {
        Expr::Num(n) => Some(*n),
        _ => None,
    }
}

pub(super) fn arg_bool(m: &ModuleCall, name: &str, root: &RootPlan) -> Option<bool> {
    match literal(m.argument(name)?, root)? {
        Expr::Bool(b) => Some(*b),
        _ => None,
    }
}

pub(super) fn arg_strs(m: &ModuleCall, name: &str, root: &RootPlan) -> Vec<String> {
    match m.argument(name).and_then(|e| literal(e, root)) {
        Some(Expr::List(items)) => items
            .iter()
            .filter_map(|i| match i {
                Expr::Str(s) => Some(s.clone()),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// The name of the root variable `e` is, if it is one (`var.<name>`).
pub(super) fn var_name(e: &Expr) -> Option<&str> {
    match e {
        Expr::Ref(Ref {
            root: Root::Var(v),
            steps,
        }) if steps.is_empty() => Some(v),
        _ => None,
    }
}

/// A bucket name (a template over `local.account_id`) as a shell word with
/// `$ACCOUNT_ID`, for the inventory named `name`.
pub(super) fn shell_name(e: &Expr, inventory: &str, name: &str) -> Option<String> {
    let text = match e {
        Expr::Str(s) => s.clone(),
        Expr::Template(parts) => parts
            .iter()
            .map(|p| match p {
                Part::Text(t) => t.clone(),
                Part::Interp(_) => "$ACCOUNT_ID".to_string(),
            })
            .collect(),
        _ => return None,
    };
    Some(match text.strip_prefix(inventory) {
        Some(rest) => format!("{name}{rest}"),
        None => text,
    })
}
