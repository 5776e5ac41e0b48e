//! Dated catalogues of the versions AWS lets a new deployment create:
//! database engine majors (RDS, Aurora, and which Aurora global databases
//! accept) and EKS Kubernetes versions, with the end of standard support.
//!
//! The status of a version is judged as of [`CHECKED`], not the machine's
//! clock, so validation is the same on every machine; re-check the tables
//! (and bump the date) when AWS publishes new versions or ends support.
//! Sources: the RDS and Aurora release calendars and the EKS user guide's
//! Kubernetes version calendar.

use crate::inventory::{Engine, Kind};

/// When these tables were last checked against AWS's calendars (ISO date).
pub const CHECKED: &str = "2026-11-26";

/// One engine major version.
#[derive(Debug, Clone, Copy)]
pub struct Major {
    /// `aws_db_instance`/`aws_rds_cluster` engine name.
    pub engine: &'static str,
    /// Major version as written in `engine_version` (a prefix RDS accepts
    /// with automatic minor version upgrades).
    pub major: &'static str,
    /// End of standard support (ISO date): past it, new databases run on
    /// paid RDS Extended Support.
    pub end_of_standard_support: &'static str,
    /// Whether Aurora global databases accept it (Aurora engines only).
    pub global: bool,
}

const fn major(engine: &'static str, major: &'static str, eoss: &'static str, global: bool) -> Major {
    Major {
        engine,
        major,
        end_of_standard_support: eoss,
        global,
    }
}

/// Engine majors RDS and Aurora create, newest first per engine.
pub const ENGINE_MAJORS: &[Major] = &[
    major("postgres", "18", "2031-02-28", false),
    major("postgres", "17", "2030-02-28", false),
    major("postgres", "16", "2029-02-28", false),
    major("postgres", "15", "2028-02-29", false),
    major("postgres", "14", "2027-02-28", false),
    major("postgres", "13", "2026-02-28", false),
    major("mysql", "8.4", "2029-07-31", false),
    major("mysql", "8.0", "2026-07-31", false),
    major("aurora-postgresql", "17", "2030-02-28", true),
    major("aurora-postgresql", "16", "2029-02-28", true),
    major("aurora-postgresql", "15", "2028-02-29", true),
    major("aurora-postgresql", "14", "2027-02-28", true),
    major("aurora-postgresql", "13", "2026-02-28", true),
];

/// The major version acmegen suggests for an engine.
pub fn default_major(engine: &str) -> &'static str {
    match engine {
        "mysql" => "8.4",
        "aurora-mysql" => "8.0.mysql_aurora.3.10.3",
        _ => "17",
    }
}

/// Aurora MySQL versions are full versions (`8.0.mysql_aurora.3.10.3`):
/// Aurora MySQL 3 (MySQL 8.0-compatible), accepted by global databases.
/// The minor and patch of a well-formed one (`("10", 3)`), else None.
fn aurora_mysql_version(v: &str) -> Option<(&str, u32)> {
    let (minor, patch) = v.strip_prefix("8.0.mysql_aurora.3.")?.split_once('.')?;
    let digits = |p: &str| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit());
    if !digits(minor) || !digits(patch) {
        return None;
    }
    Some((minor, patch.parse().ok()?))
}

/// One minor line of Aurora MySQL version 3 (`3.<minor>.<patch>`).
#[derive(Debug, Clone, Copy)]
pub struct AuroraMysqlMinor {
    /// The minor as AWS writes it, two digits (`"04"`, `"10"`).
    pub minor: &'static str,
    /// The newest patch AWS had released on the catalogue date.
    pub newest_patch: u32,
    /// Whether new clusters can be created on it; false once AWS marks its
    /// versions deprecated.
    pub creatable: bool,
}

const fn amy(minor: &'static str, newest_patch: u32, creatable: bool) -> AuroraMysqlMinor {
    AuroraMysqlMinor {
        minor,
        newest_patch,
        creatable,
    }
}

/// Aurora MySQL version 3 minor lines, newest first, from the Aurora MySQL
/// Release Notes, "Database engine updates for Amazon Aurora MySQL version 3"
/// (https://docs.aws.amazon.com/AmazonRDS/latest/AuroraMySQLReleaseNotes/AuroraMySQL.Updates.30Updates.html):
/// every release up to 3.13.0 (2026-08-27) and 3.10.6 (2026-10-05); the
/// page marks 3.01-3.03 and 3.05-3.07 "(Deprecated)". 3.04 and 3.10 are the
/// long-term support (LTS) lines.
pub const AURORA_MYSQL_3: &[AuroraMysqlMinor] = &[
    amy("13", 0, true),
    amy("12", 0, true),
    amy("11", 1, true),
    amy("10", 6, true),
    amy("09", 0, true),
    amy("08", 2, true),
    amy("07", 1, false),
    amy("06", 1, false),
    amy("05", 2, false),
    amy("04", 6, true),
    amy("03", 3, false),
    amy("02", 3, false),
    amy("01", 1, false),
];

/// The minor lines of Aurora MySQL 3 that new clusters can use, as `3.04, 3.08, …`.
fn creatable_aurora_mysql() -> String {
    let mut lines: Vec<&str> = AURORA_MYSQL_3.iter().filter(|m| m.creatable).map(|m| m.minor).collect();
    lines.reverse();
    lines.iter().map(|m| format!("3.{m}")).collect::<Vec<_>>().join(", ")
}

/// Why Aurora MySQL `version` cannot be used for a new cluster, and what to
/// use instead; None when it can.
fn aurora_mysql_problem(version: &str) -> Option<(String, String)> {
    let suggestion = default_major("aurora-mysql");
    let Some((minor, patch)) = aurora_mysql_version(version) else {
        return Some((
            format!("`{version}` is not an Aurora MySQL 3 version"),
            format!(
                "give the full version, e.g. \"{suggestion}\" (Aurora MySQL takes no major-only version; acmegen turns automatic minor upgrades off for it)"
            ),
        ));
    };
    let listed = creatable_aurora_mysql();
    match AURORA_MYSQL_3.iter().find(|m| m.minor == minor) {
        Some(m) if !m.creatable => Some((
            format!("Aurora MySQL 3.{minor} is deprecated (catalogue checked {CHECKED}): AWS creates no new clusters on it"),
            format!("use a supported minor version, e.g. \"{suggestion}\" (creatable: {listed})"),
        )),
        Some(m) if patch <= m.newest_patch => None,
        Some(m) => Some((
            format!(
                "Aurora MySQL 3.{minor}.{patch} does not exist (catalogue checked {CHECKED}: the newest 3.{minor} is 3.{minor}.{})",
                m.newest_patch
            ),
            format!("use \"8.0.mysql_aurora.3.{minor}.{}\" or another released version", m.newest_patch),
        )),
        None => Some((
            format!(
                "Aurora MySQL 3.{minor} does not exist (catalogue checked {CHECKED}: the newest is 3.{})",
                AURORA_MYSQL_3[0].minor
            ),
            format!("use a released minor version, e.g. \"{suggestion}\" (creatable: {listed})"),
        )),
    }
}

/// Why `version` of `engine` cannot be used for a new database, and what
/// to use instead; None when it can. `global`: the database is (part of)
/// an Aurora global database.
pub fn engine_problem(kind: Kind, engine: Engine, version: &str, global: bool) -> Option<(String, String)> {
    let name = engine.rds_name(kind == Kind::Aurora);
    if name == "aurora-mysql" {
        return aurora_mysql_problem(version);
    }
    let majors: Vec<&Major> = ENGINE_MAJORS.iter().filter(|m| m.engine == name).collect();
    let listed = majors.iter().map(|m| m.major).collect::<Vec<_>>().join(", ");
    if let Some(m) = majors.iter().find(|m| version.starts_with(&format!("{}.", m.major))) {
        if version != m.major {
            return Some((
                format!("engine_version \"{version}\" pins a minor version"),
                format!(
                    "write the major version only, \"{}\": RDS applies minor versions itself (automatic minor version upgrades), and a pinned minor would be downgraded by every later plan or may no longer be creatable",
                    m.major
                ),
            ));
        }
    }
    let Some(m) = majors.iter().find(|m| m.major == version) else {
        return Some((
            format!("{name} {version} is not a major version RDS creates (catalogue checked {CHECKED})"),
            format!("use one of: {listed}"),
        ));
    };
    if m.end_of_standard_support < CHECKED {
        return Some((
            format!(
                "{name} {version} left standard support on {} (catalogue checked {CHECKED}): new databases run on paid RDS Extended Support",
                m.end_of_standard_support
            ),
            format!("use a supported major, e.g. \"{}\"", default_major(name)),
        ));
    }
    if global && !m.global {
        return Some((
            format!("{name} {version} cannot run an Aurora global database"),
            format!("use one of: {listed}"),
        ));
    }
    None
}

/// One EKS Kubernetes version.
#[derive(Debug, Clone, Copy)]
pub struct KubernetesVersion {
    /// Minor version, e.g. "1.35".
    pub version: &'static str,
    /// End of standard support (ISO date).
    pub end_of_standard_support: &'static str,
    /// End of extended support (ISO date): no cluster runs past it.
    pub end_of_extended_support: &'static str,
}

const fn kube(version: &'static str, standard: &'static str, extended: &'static str) -> KubernetesVersion {
    KubernetesVersion {
        version,
        end_of_standard_support: standard,
        end_of_extended_support: extended,
    }
}

/// EKS Kubernetes versions, newest first.
pub const KUBERNETES: &[KubernetesVersion] = &[
    kube("1.36", "2027-08-02", "2028-08-02"),
    kube("1.35", "2027-03-27", "2028-03-27"),
    kube("1.34", "2026-12-02", "2027-12-02"),
    kube("1.33", "2026-07-29", "2027-07-29"),
    kube("1.32", "2026-03-23", "2027-03-23"),
];

/// The Kubernetes version acmegen suggests for new clusters.
pub const DEFAULT_KUBERNETES: &str = "1.35";

/// Days from `a` to `b` (ISO dates), by a civil-calendar day count.
fn days_between(a: &str, b: &str) -> i64 {
    fn days(d: &str) -> i64 {
        let mut it = d.split('-').map(|x| x.parse::<i64>().unwrap_or(0));
        let (y, m, day) = (it.next().unwrap_or(0), it.next().unwrap_or(1), it.next().unwrap_or(1));
        let (y, m) = if m <= 2 { (y - 1, m + 9) } else { (y, m - 3) };
        365 * y + y / 4 - y / 100 + y / 400 + (153 * m + 2) / 5 + day
    }
    days(b) - days(a)
}

/// How many days before the end of standard support (counted from
/// [`CHECKED`]) validation warns that a cluster's version is ending.
pub const SUPPORT_WARNING_DAYS: i64 = 90;

/// How Kubernetes `version` stands on EKS as of [`CHECKED`]: an error when
/// clusters cannot run it on standard support, a warning when standard
/// support ends within [`SUPPORT_WARNING_DAYS`] (plan the upgrade), None
/// when it is fine.
pub fn kubernetes_status(version: &str) -> Result<Option<String>, (String, String)> {
    kubernetes_status_on(version, CHECKED)
}

/// [`kubernetes_status`] as of the ISO date `checked`.
fn kubernetes_status_on(version: &str, checked: &str) -> Result<Option<String>, (String, String)> {
    let listed = KUBERNETES.iter().map(|k| k.version).collect::<Vec<_>>().join(", ");
    let Some(k) = KUBERNETES.iter().find(|k| k.version == version) else {
        return Err((
            format!("Kubernetes {version} is not an EKS version in the catalogue (checked {checked})"),
            format!("use one of: {listed} (e.g. \"{DEFAULT_KUBERNETES}\")"),
        ));
    };
    if k.end_of_standard_support < checked {
        return Err((
            format!(
                "Kubernetes {version} left EKS standard support on {} (catalogue checked {checked}): the cluster would run on paid extended support until {}",
                k.end_of_standard_support, k.end_of_extended_support
            ),
            format!("use \"{DEFAULT_KUBERNETES}\" or newer; upgrade existing clusters one minor version at a time"),
        ));
    }
    let left = days_between(checked, k.end_of_standard_support);
    Ok((left <= SUPPORT_WARNING_DAYS).then(|| {
        format!(
            "Kubernetes {version} leaves EKS standard support on {} ({left} days after the catalogue date {checked}): plan the upgrade to {DEFAULT_KUBERNETES}",
            k.end_of_standard_support
        )
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn majors_are_accepted_and_minor_pins_rejected() {
        assert!(engine_problem(Kind::Rds, Engine::Postgres, "17", false).is_none());
        let (msg, help) = engine_problem(Kind::Rds, Engine::Postgres, "16.4", false).unwrap();
        assert!(msg.contains("pins a minor version"), "{msg}");
        assert!(help.contains("\"16\""), "{help}");
        assert!(engine_problem(Kind::Rds, Engine::Mysql, "8.4", false).is_none());
        assert!(engine_problem(Kind::Rds, Engine::Mysql, "8.0", false)
            .unwrap()
            .0
            .contains("Extended Support"));
        assert!(engine_problem(Kind::Rds, Engine::Postgres, "12", false)
            .unwrap()
            .0
            .contains("not a major version"));
        assert!(engine_problem(Kind::Aurora, Engine::Postgres, "16", true).is_none());
        assert!(engine_problem(Kind::Aurora, Engine::Mysql, "8.0.mysql_aurora.3.10.3", true).is_none());
        assert!(engine_problem(Kind::Aurora, Engine::Mysql, "8.0", true).is_some());
    }

    /// Aurora MySQL was checked for shape only: the deprecated 3.01 and the
    /// nonexistent 3.99 rendered and failed at `terraform apply`.
    #[test]
    fn aurora_mysql_versions_are_checked_against_the_release_notes() {
        let problem = |v: &str| engine_problem(Kind::Aurora, Engine::Mysql, &format!("8.0.mysql_aurora.{v}"), true);
        for creatable in [
            "3.04.0", "3.04.6", "3.08.0", "3.09.0", "3.10.3", "3.10.6", "3.11.1", "3.12.0", "3.13.0",
        ] {
            assert!(problem(creatable).is_none(), "{creatable}: {:?}", problem(creatable));
        }
        for deprecated in ["3.01.0", "3.02.3", "3.03.1", "3.05.2", "3.06.0", "3.07.1"] {
            let (msg, help) = problem(deprecated).unwrap();
            assert!(
                msg.contains("is deprecated") && msg.contains(CHECKED),
                "{deprecated}: {msg}"
            );
            assert!(help.contains("3.04, 3.08, 3.09, 3.10, 3.11, 3.12, 3.13"), "{help}");
        }
        let (msg, help) = problem("3.99.0").unwrap();
        assert!(
            msg.contains("Aurora MySQL 3.99 does not exist") && msg.contains("the newest is 3.13"),
            "{msg}"
        );
        assert!(help.contains("8.0.mysql_aurora.3.10.3"), "{help}");
        let (msg, help) = problem("3.10.9").unwrap();
        assert!(
            msg.contains("3.10.9 does not exist") && msg.contains("the newest 3.10 is 3.10.6"),
            "{msg}"
        );
        assert!(help.contains("\"8.0.mysql_aurora.3.10.6\""), "{help}");
        // Shape errors keep their own message.
        assert!(problem("3.10").unwrap().0.contains("is not an Aurora MySQL 3 version"));
        assert!(problem("3.1x.0")
            .unwrap()
            .0
            .contains("is not an Aurora MySQL 3 version"));
        // The version acmegen suggests is one it accepts.
        assert!(engine_problem(Kind::Aurora, Engine::Mysql, default_major("aurora-mysql"), true).is_none());
    }

    #[test]
    fn kubernetes_versions_by_support_window() {
        assert_eq!(kubernetes_status("1.35"), Ok(None));
        assert!(kubernetes_status("1.33")
            .unwrap_err()
            .0
            .contains("left EKS standard support"));
        assert!(kubernetes_status("1.34").unwrap().unwrap().contains("6 days"));
        assert!(kubernetes_status("1.99").is_err());
        assert_eq!(days_between("2026-11-26", "2026-12-02"), 6);
        // The warning starts exactly SUPPORT_WARNING_DAYS before the end (1.35: 2027-03-27).
        assert_eq!(days_between("2026-12-27", "2027-03-27"), SUPPORT_WARNING_DAYS);
        assert!(kubernetes_status_on("1.35", "2026-12-27")
            .unwrap()
            .unwrap()
            .contains("90 days after the catalogue date 2026-12-27"));
        assert_eq!(kubernetes_status_on("1.35", "2026-12-26"), Ok(None));
        assert!(kubernetes_status_on("1.35", "2027-03-28").is_err());
        assert_eq!(days_between("2024-02-28", "2024-03-01"), 2);
    }
}
