//! Facts acmegen checks inventories against: regions and their AZ counts,
//! EC2 instance types and RDS instance classes it knows.

/// AWS commercial regions acmegen supports, with the number of AZs a
/// typical account can use. Regions launched after 2019 (af-south-1,
/// ap-east-1, me-*, il-central-1, …) must be enabled in the account first.
pub const REGIONS: &[(&str, u8)] = &[
    ("us-east-1", 6),
    ("us-east-2", 3),
    ("us-west-1", 2),
    ("us-west-2", 4),
    ("ca-central-1", 3),
    ("ca-west-1", 3),
    ("mx-central-1", 3),
    ("sa-east-1", 3),
    ("eu-west-1", 3),
    ("eu-west-2", 3),
    ("eu-west-3", 3),
    ("eu-central-1", 3),
    ("eu-central-2", 3),
    ("eu-north-1", 3),
    ("eu-south-1", 3),
    ("eu-south-2", 3),
    ("il-central-1", 3),
    ("me-south-1", 3),
    ("me-central-1", 3),
    ("af-south-1", 3),
    ("ap-east-1", 3),
    ("ap-east-2", 3),
    ("ap-south-1", 3),
    ("ap-south-2", 3),
    ("ap-southeast-1", 3),
    ("ap-southeast-2", 3),
    ("ap-southeast-3", 3),
    ("ap-southeast-4", 3),
    ("ap-southeast-5", 3),
    ("ap-southeast-7", 3),
    ("ap-northeast-1", 3),
    ("ap-northeast-2", 4),
    ("ap-northeast-3", 3),
];

/// AZ count of `region`, or None when the region is not in the catalogue.
pub fn az_count(region: &str) -> Option<u8> {
    REGIONS.iter().find(|(r, _)| *r == region).map(|(_, n)| *n)
}

/// Catalogue regions without Aurora global databases: the Aurora User
/// Guide, "Supported Regions and DB engines for Aurora global databases"
/// (https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Concepts.Aurora_Fea_Regions_DB-eng.Feature.GlobalDatabase.html),
/// marks Asia Pacific (Taipei) and Asia Pacific (Thailand) "Not available"
/// (so is Asia Pacific (New Zealand), which the catalogue does not hold).
/// Every other catalogue region the table lists runs the Aurora MySQL 3
/// versions `versions::AURORA_MYSQL_3` accepts and the Aurora PostgreSQL
/// majors `versions::ENGINE_MAJORS` does.
const NO_AURORA_GLOBAL_DATABASE: &[&str] = &["ap-east-2", "ap-southeast-7"];

/// Whether Aurora global databases (a primary or a secondary cluster) run in `region`.
pub fn has_aurora_global_database(region: &str) -> bool {
    !NO_AURORA_GLOBAL_DATABASE.contains(&region)
}

/// The regions RDS replicates an instance's automated backups to, by source
/// region: the RDS User Guide, "Replicating automated backups to another AWS
/// Region", table "Source and destination AWS Region support"
/// (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_ReplicateBackups.html).
/// Catalogue regions the table does not list as a source (ap-east-2,
/// ap-southeast-7, me-south-1, mx-central-1) replicate to none.
const AUTOMATED_BACKUP_REPLICATION: &[(&str, &[&str])] = &[
    ("af-south-1", &["eu-central-1", "eu-west-1", "eu-west-2"]),
    ("ap-east-1", &["ap-southeast-1", "ap-northeast-1"]),
    ("ap-south-2", &["ap-south-1"]),
    ("ap-southeast-3", &["ap-southeast-5", "ap-southeast-1"]),
    ("ap-southeast-4", &["ap-southeast-2"]),
    ("ap-southeast-5", &["ap-southeast-1"]),
    (
        "ap-south-1",
        &["ap-south-2", "ap-southeast-1", "us-east-1", "us-east-2", "us-west-2"],
    ),
    ("ap-northeast-3", &["ap-northeast-1"]),
    (
        "ap-northeast-2",
        &[
            "ap-southeast-1",
            "ap-northeast-1",
            "us-east-1",
            "us-east-2",
            "us-west-2",
        ],
    ),
    (
        "ap-southeast-1",
        &[
            "ap-east-1",
            "ap-southeast-5",
            "ap-south-1",
            "ap-northeast-2",
            "ap-southeast-2",
            "ap-northeast-1",
            "us-east-1",
            "us-east-2",
            "us-west-2",
        ],
    ),
    (
        "ap-southeast-2",
        &[
            "ap-southeast-4",
            "ap-southeast-1",
            "us-east-1",
            "us-west-1",
            "us-west-2",
        ],
    ),
    (
        "ap-northeast-1",
        &[
            "ap-east-1",
            "ap-northeast-3",
            "ap-northeast-2",
            "ap-southeast-1",
            "us-east-1",
            "us-east-2",
            "us-west-2",
        ],
    ),
    (
        "ca-central-1",
        &[
            "ca-west-1",
            "eu-west-1",
            "us-east-1",
            "us-east-2",
            "us-west-1",
            "us-west-2",
        ],
    ),
    ("ca-west-1", &["ca-central-1"]),
    (
        "eu-central-1",
        &[
            "af-south-1",
            "eu-west-1",
            "eu-west-2",
            "eu-west-3",
            "eu-north-1",
            "eu-central-2",
            "us-east-1",
            "us-east-2",
            "us-west-2",
        ],
    ),
    (
        "eu-west-1",
        &[
            "af-south-1",
            "ca-central-1",
            "eu-central-1",
            "eu-west-2",
            "eu-west-3",
            "eu-north-1",
            "eu-central-2",
            "us-east-1",
            "us-east-2",
            "us-west-1",
            "us-west-2",
        ],
    ),
    (
        "eu-west-2",
        &[
            "af-south-1",
            "eu-central-1",
            "eu-west-1",
            "eu-west-3",
            "eu-north-1",
            "us-east-1",
        ],
    ),
    ("eu-south-1", &["eu-central-1"]),
    (
        "eu-west-3",
        &["eu-central-1", "eu-west-1", "eu-west-2", "eu-north-1", "us-east-1"],
    ),
    ("eu-south-2", &["eu-west-1", "eu-west-3"]),
    (
        "eu-north-1",
        &["eu-central-1", "eu-west-1", "eu-west-2", "eu-west-3", "us-east-1"],
    ),
    ("eu-central-2", &["eu-central-1", "eu-west-1"]),
    ("il-central-1", &["eu-west-1"]),
    ("me-central-1", &["eu-central-1"]),
    ("sa-east-1", &["us-east-1", "us-east-2"]),
    (
        "us-east-1",
        &[
            "ap-south-1",
            "ap-northeast-2",
            "ap-southeast-1",
            "ap-southeast-2",
            "ap-northeast-1",
            "ca-central-1",
            "eu-central-1",
            "eu-west-1",
            "eu-west-2",
            "eu-west-3",
            "eu-north-1",
            "sa-east-1",
            "us-east-2",
            "us-west-1",
            "us-west-2",
        ],
    ),
    (
        "us-east-2",
        &[
            "ap-south-1",
            "ap-northeast-2",
            "ap-southeast-1",
            "ap-northeast-1",
            "ca-central-1",
            "eu-central-1",
            "eu-west-1",
            "sa-east-1",
            "us-east-1",
            "us-west-1",
            "us-west-2",
        ],
    ),
    (
        "us-west-1",
        &[
            "ap-southeast-2",
            "ca-central-1",
            "eu-west-1",
            "us-east-1",
            "us-east-2",
            "us-west-2",
        ],
    ),
    (
        "us-west-2",
        &[
            "ap-south-1",
            "ap-northeast-2",
            "ap-southeast-1",
            "ap-southeast-2",
            "ap-northeast-1",
            "ca-central-1",
            "eu-central-1",
            "eu-west-1",
            "us-east-1",
            "us-east-2",
            "us-west-1",
        ],
    ),
];

/// The regions RDS replicates automated backups of an instance in `source`
/// to (none when the source region replicates to no region).
pub fn automated_backup_destinations(source: &str) -> &'static [&'static str] {
    AUTOMATED_BACKUP_REPLICATION
        .iter()
        .find(|(s, _)| *s == source)
        .map_or(&[], |(_, to)| *to)
}

/// Sizes of the burstable families t3, t3a and t4g.
const BURSTABLE: &[&str] = &["nano", "micro", "small", "medium", "large", "xlarge", "2xlarge"];
/// Sizes of the Graviton2/3 families m6g, m7g, c6g, c7g, r6g and r7g.
const GRAVITON: &[&str] = &[
    "medium", "large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge",
];
/// Sizes of m5, m5a and r5, and of the RDS classes db.m5 and db.r5.
const GEN5: &[&str] = &[
    "large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge", "24xlarge",
];
/// Sizes of c5: 9xlarge and 18xlarge where the others have 8xlarge and 16xlarge.
const C5: &[&str] = &[
    "large", "xlarge", "2xlarge", "4xlarge", "9xlarge", "12xlarge", "18xlarge", "24xlarge",
];
/// Sizes of m6i, c6i and r6i, and of the RDS classes db.m6i and db.r6i.
const GEN6_INTEL: &[&str] = &[
    "large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge", "24xlarge", "32xlarge",
];
/// Sizes of m6a.
const M6A: &[&str] = &[
    "large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge", "24xlarge", "32xlarge", "48xlarge",
];
/// Sizes of m7i, c7i and r7i.
const GEN7_INTEL: &[&str] = &[
    "large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge", "24xlarge", "48xlarge",
];

/// The EC2 families of the catalogue and the sizes each comes in, from
/// AWS's Amazon EC2 Instance Types guide ("Specifications for Amazon EC2
/// general purpose / compute optimized / memory optimized instances",
/// table "Instance families and instance types";
/// https://docs.aws.amazon.com/ec2/latest/instancetypes/gp.html, co.html,
/// mo.html). Bare-metal sizes (`.metal`, `.metal-24xl`, …) are left out.
/// Sizes differ per family: c5 has 9xlarge and 18xlarge (no 8xlarge or
/// 16xlarge), Graviton families start at medium, the x86 ones at large.
const EC2_FAMILIES: &[(&str, &[&str])] = &[
    ("t3", BURSTABLE),
    ("t3a", BURSTABLE),
    ("t4g", BURSTABLE),
    ("m5", GEN5),
    ("m5a", GEN5),
    ("m6i", GEN6_INTEL),
    ("m6a", M6A),
    ("m6g", GRAVITON),
    ("m7i", GEN7_INTEL),
    ("m7g", GRAVITON),
    ("c5", C5),
    ("c6i", GEN6_INTEL),
    ("c6g", GRAVITON),
    ("c7i", GEN7_INTEL),
    ("c7g", GRAVITON),
    ("r5", GEN5),
    ("r6i", GEN6_INTEL),
    ("r6g", GRAVITON),
    ("r7i", GEN7_INTEL),
    ("r7g", GRAVITON),
];

/// Sizes of the RDS burstable classes db.t3 and db.t4g: micro to 2xlarge (no nano).
const DB_BURSTABLE: &[&str] = &["micro", "small", "medium", "large", "xlarge", "2xlarge"];
/// Sizes of the RDS Graviton2/3 classes db.m6g, db.m7g, db.r6g and db.r7g:
/// large to 16xlarge (no medium, unlike their EC2 families).
const DB_GRAVITON: &[&str] = &[
    "large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge",
];

/// The RDS DB instance class families of the catalogue (`db.<family>.<size>`)
/// and the sizes each comes in, from the Amazon RDS User Guide, "Supported DB
/// engines for DB instance classes"
/// (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Concepts.DBInstanceClass.Support.html)
/// and "Hardware specifications for DB instance classes"
/// (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Concepts.DBInstanceClass.Summary.html).
/// db.t3 and db.t4g stop at 2xlarge; db.m5 and db.r5 go to 24xlarge,
/// db.m6i and db.r6i to 32xlarge, the Graviton classes to 16xlarge.
///
/// Only classes both engines acmegen offers (`Engine`: RDS for PostgreSQL
/// and RDS for MySQL) support are listed, and every one of them is
/// supported by both, so the check needs no engine: the guide's version
/// limits for these rows (e.g. db.t4g from MySQL 8.0.25, db.m7g and db.r7g
/// from MySQL 8.0.32 and PostgreSQL 13.10/14.7/15.2) all lie below the
/// newest minor of every major `versions::ENGINE_MAJORS` accepts, which is
/// what RDS creates for a major-only `engine_version`. Aurora runs on a
/// subset of these classes ([`aurora_class_problem`]).
const DB_FAMILIES: &[(&str, &[&str])] = &[
    ("t3", DB_BURSTABLE),
    ("t4g", DB_BURSTABLE),
    ("m5", GEN5),
    ("m6i", GEN6_INTEL),
    ("m6g", DB_GRAVITON),
    ("m7g", DB_GRAVITON),
    ("r5", GEN5),
    ("r6i", GEN6_INTEL),
    ("r6g", DB_GRAVITON),
    ("r7g", DB_GRAVITON),
];

/// The sizes EC2 family `family` comes in, or None when the catalogue does not hold it.
fn family_sizes(family: &str) -> Option<&'static [&'static str]> {
    EC2_FAMILIES.iter().find(|(f, _)| *f == family).map(|(_, sizes)| *sizes)
}

/// The sizes RDS class family `family` (`t3` of `db.t3`) comes in, or None
/// when the catalogue does not hold it.
fn db_family_sizes(family: &str) -> Option<&'static [&'static str]> {
    DB_FAMILIES.iter().find(|(f, _)| *f == family).map(|(_, sizes)| *sizes)
}

/// Whether `size` is a known EC2 instance type (current generation, the
/// sizes its family comes in).
pub fn is_ec2_type(size: &str) -> bool {
    split_type(size).is_some_and(|(family, sz)| family_sizes(family).is_some_and(|sizes| sizes.contains(&sz)))
}

/// vCPUs of size `sz` in family `family` (whether or not the family has that size).
fn size_vcpus(family: &str, sz: &str) -> Option<u32> {
    match sz {
        // Graviton mediums have one core, one thread; burstable ones 2 vCPUs.
        "medium" if !family.starts_with('t') => Some(1),
        "nano" | "micro" | "small" | "medium" | "large" => Some(2),
        "xlarge" => Some(4),
        other => other.strip_suffix("xlarge")?.parse::<u32>().ok().map(|n| 4 * n),
    }
}

/// vCPUs of EC2 instance type `size` of the catalogue (every catalogue
/// family is a Standard one: A, C, D, H, I, M, R, T, Z). Burstable types up
/// to large have 2; Graviton mediums 1; large 2; then an `<n>xlarge` has
/// 4 × n (c5.9xlarge 36, c5.18xlarge 72, m6a.48xlarge 192), per the
/// "Performance specifications" tables of the EC2 Instance Types guide.
/// None for a type outside the catalogue.
pub fn vcpus(size: &str) -> Option<u32> {
    if !is_ec2_type(size) {
        return None;
    }
    let (family, sz) = split_type(size)?;
    size_vcpus(family, sz)
}

/// Whether `size` is a known RDS/Aurora instance class (current generation,
/// the sizes its family comes in, per the RDS User Guide).
pub fn is_db_class(size: &str) -> bool {
    size.strip_prefix("db.")
        .and_then(split_type)
        .is_some_and(|(family, sz)| db_family_sizes(family).is_some_and(|sizes| sizes.contains(&sz)))
}

/// Why Aurora cannot run on catalogue class `size`, if it cannot, with
/// `global` the cluster of an Aurora global database. Aurora has no db.m*
/// classes, and its burstable classes are the medium and large sizes only
/// (Aurora User Guide, "Supported DB engines for DB instance classes": no
/// db.m row; db.t3 and db.t4g medium and large; db.t3.small only for the
/// retired Aurora MySQL version 2). An Aurora global database "requires DB
/// instance classes that are optimized for memory-intensive applications"
/// (Aurora User Guide, "Configuration requirements of an Amazon Aurora
/// global database"): the memory-optimized db.r* classes.
pub fn aurora_class_problem(size: &str, global: bool) -> Option<&'static str> {
    let (family, sz) = size.strip_prefix("db.").and_then(split_type)?;
    if family.starts_with('m') {
        Some("Aurora has no db.m* (general purpose) classes")
    } else if family.starts_with('t') && !matches!(sz, "medium" | "large") {
        Some("Aurora's burstable classes are the medium and large sizes only")
    } else if global && !family.starts_with('r') {
        Some("an Aurora global database needs memory-optimized (db.r*) classes")
    } else {
        None
    }
}

/// A nearby valid size to suggest for an unknown one.
pub fn suggest(size: &str, db: bool) -> &'static str {
    let legacy_db = size.starts_with("db.t2") || size.starts_with("db.m4") || size.starts_with("db.r4");
    match (db, legacy_db || size.contains("small")) {
        (true, true) => "db.t3.small",
        (true, false) => "db.t3.medium",
        (false, _) if size.starts_with("t2") => "t3.micro",
        (false, _) => "t3.medium",
    }
}

/// Every EC2 type (`db == false`) or RDS class (`db == true`) of the catalogue.
pub fn sizes(db: bool) -> Vec<String> {
    if !db {
        return EC2_FAMILIES
            .iter()
            .flat_map(|(family, sizes)| sizes.iter().map(move |size| format!("{family}.{size}")))
            .collect();
    }
    DB_FAMILIES
        .iter()
        .flat_map(|(family, sizes)| sizes.iter().map(move |size| format!("db.{family}.{size}")))
        .collect()
}

/// The catalogue size closest to a misspelt `size` (`t3.micor` → `t3.micro`),
/// else a nearby current one ([`suggest`]). A size its family lacks gets the
/// family's size with the nearest vCPU count (`c5.8xlarge` → `c5.9xlarge`,
/// `db.t3.4xlarge` → `db.t3.2xlarge`).
pub fn closest_size(size: &str, db: bool) -> String {
    // An RDS class written without `db.` (`t3.medium`) gets it back.
    let (prefix, name) = if db {
        ("db.", size.strip_prefix("db.").unwrap_or(size))
    } else {
        ("", size)
    };
    let families = if db { DB_FAMILIES } else { EC2_FAMILIES };
    if let Some((family, sz)) = split_type(name) {
        if let Some(found) = closest_in_family(families, family, sz) {
            return format!("{prefix}{found}");
        }
    }
    let known = sizes(db);
    crate::suggest::closest(size, known.iter().map(String::as_str))
        .map(str::to_string)
        .unwrap_or_else(|| suggest(size, db).to_string())
}

/// The size of family `family` of `families` (EC2 or RDS) nearest to `sz`:
/// `sz` itself when the family has it, else by vCPUs when `sz` is a size
/// name (`8xlarge`; ties go to the smaller), else by spelling.
fn closest_in_family(families: &[(&str, &[&str])], family: &str, sz: &str) -> Option<String> {
    let sizes = families.iter().find(|(f, _)| *f == family).map(|(_, sizes)| *sizes)?;
    let nearest = match size_vcpus(family, sz) {
        _ if sizes.contains(&sz) => Some(sz),
        Some(wanted) => sizes
            .iter()
            .min_by_key(|s| size_vcpus(family, s).unwrap_or(0).abs_diff(wanted))
            .copied(),
        None => crate::suggest::closest(sz, sizes.iter().copied()),
    };
    nearest.map(|s| format!("{family}.{s}"))
}

/// The catalogue in one line, for help texts (users of the binary have no source to read).
pub fn describe(db: bool) -> String {
    if db {
        format!(
            "the catalogue holds RDS classes db.<family>.<size> of {}",
            describe_families(DB_FAMILIES)
        )
    } else {
        format!(
            "the catalogue holds {} (no bare metal)",
            describe_families(EC2_FAMILIES)
        )
    }
}

/// `families` with the same sizes together, in catalogue order:
/// `families t3, t3a in sizes nano, …; family c5 in sizes large, …`.
fn describe_families(families: &[(&str, &[&str])]) -> String {
    let mut groups: Vec<(Vec<&str>, &[&str])> = Vec::new();
    for (family, sizes) in families {
        match groups.iter_mut().find(|(_, s)| s == sizes) {
            Some((names, _)) => names.push(family),
            None => groups.push((vec![family], sizes)),
        }
    }
    let groups: Vec<String> = groups
        .iter()
        .map(|(names, sizes)| {
            let noun = if names.len() == 1 { "family" } else { "families" };
            format!("{noun} {} in sizes {}", names.join(", "), sizes.join(", "))
        })
        .collect();
    groups.join("; ")
}

fn split_type(s: &str) -> Option<(&str, &str)> {
    s.split_once('.')
}

/// Availability zone IDs where EKS cannot place a cluster's control plane
/// (EKS user guide, "Subnet requirements for clusters"); an EKS cluster's
/// VPC leaves them out.
pub const EKS_UNSUPPORTED_AZ_IDS: &[(&str, &str)] = &[
    ("us-east-1", "use1-az3"),
    ("us-west-1", "usw1-az2"),
    ("ca-central-1", "cac1-az3"),
];

/// The AZ IDs of `region` that EKS does not support.
pub fn eks_unsupported_az_ids(region: &str) -> Vec<&'static str> {
    EKS_UNSUPPORTED_AZ_IDS
        .iter()
        .filter(|(r, _)| *r == region)
        .map(|(_, id)| *id)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn knows_current_types() {
        assert!(is_ec2_type("t3.micro"));
        assert!(is_ec2_type("m6i.2xlarge"));
        assert!(!is_ec2_type("t2.micro"));
        assert!(!is_ec2_type("m6i.micro"));
        assert!(is_db_class("db.t3.medium"));
        assert!(is_db_class("db.r6g.large"));
        assert!(!is_db_class("db.t2.small"));
        assert!(!is_db_class("t3.medium"));
    }

    #[test]
    fn knows_the_classes_aurora_runs_on() {
        for (size, global) in [
            ("db.r6g.large", true),
            ("db.r7g.2xlarge", true),
            ("db.r5.large", true),
            ("db.t3.medium", false),
            ("db.t4g.large", false),
        ] {
            assert_eq!(aurora_class_problem(size, global), None, "{size}");
        }
        for (size, global) in [
            ("db.m6i.large", false),
            ("db.m5.xlarge", true),
            ("db.t3.micro", false),
            ("db.t3.small", false),
            ("db.t4g.micro", false),
            ("db.t3.medium", true),
            ("db.t4g.large", true),
        ] {
            assert!(
                aurora_class_problem(size, global).is_some(),
                "{size} (global: {global})"
            );
        }
        // Every family of the catalogue is Aurora's or refused by name.
        for class in sizes(true) {
            let family = class.split('.').nth(1).unwrap();
            assert!(
                matches!(&family[..1], "m" | "t" | "r"),
                "{class}: a family the rule does not know"
            );
        }
    }

    #[test]
    fn counts_vcpus_of_catalogue_types() {
        assert_eq!(vcpus("t3.micro"), Some(2));
        assert_eq!(vcpus("t3.large"), Some(2));
        assert_eq!(vcpus("t3.xlarge"), Some(4));
        assert_eq!(vcpus("m6i.large"), Some(2));
        assert_eq!(vcpus("m6i.2xlarge"), Some(8));
        assert_eq!(vcpus("c7g.16xlarge"), Some(64));
        assert_eq!(vcpus("r6i.12xlarge"), Some(48));
        assert_eq!(vcpus("t2.micro"), None);
        assert!(
            sizes(false).iter().all(|s| vcpus(s).is_some()),
            "every catalogue type has a count"
        );
    }

    /// Each family has its own sizes (EC2 Instance Types guide): c5 has
    /// 9xlarge and 18xlarge, not 8xlarge and 16xlarge; Graviton families a
    /// one-vCPU medium; the larger families 24xlarge to 48xlarge.
    #[test]
    fn sizes_are_per_family() {
        for bad in [
            "c5.8xlarge",
            "c5.16xlarge",
            "c5.medium",
            "m6i.9xlarge",
            "m6g.24xlarge",
            "m5.32xlarge",
            "m6i.48xlarge",
            "m7i.32xlarge",
            "t3.4xlarge",
            "m6i.nano",
            "c5.metal",
        ] {
            assert!(!is_ec2_type(bad), "{bad}");
            assert_eq!(vcpus(bad), None, "{bad}");
        }
        for (good, n) in [
            ("c5.9xlarge", 36),
            ("c5.18xlarge", 72),
            ("c5.24xlarge", 96),
            ("c6g.medium", 1),
            ("m7g.medium", 1),
            ("r6g.16xlarge", 64),
            ("m5.24xlarge", 96),
            ("m6a.48xlarge", 192),
            ("m6i.32xlarge", 128),
            ("r7i.48xlarge", 192),
            ("t3.nano", 2),
            ("t4g.medium", 2),
            ("t3a.2xlarge", 8),
        ] {
            assert!(is_ec2_type(good), "{good}");
            assert_eq!(vcpus(good), Some(n), "{good}");
        }
        // A size the family lacks: its nearest size by vCPUs.
        assert_eq!(closest_size("c5.8xlarge", false), "c5.9xlarge");
        assert_eq!(closest_size("c5.16xlarge", false), "c5.18xlarge");
        assert_eq!(closest_size("m6i.micro", false), "m6i.large");
        assert_eq!(closest_size("t3.4xlarge", false), "t3.2xlarge");
        let described = describe(false);
        assert!(
            described.contains(
                "; family c5 in sizes large, xlarge, 2xlarge, 4xlarge, 9xlarge, 12xlarge, 18xlarge, 24xlarge"
            ),
            "{described}"
        );
        assert!(
            described.starts_with("the catalogue holds families t3, t3a, t4g in sizes nano,"),
            "{described}"
        );
    }

    /// The RDS classes are unchanged by the per-family EC2 sizes.
    #[test]
    fn db_classes_keep_their_sizes() {
        assert!(is_db_class("db.r5.8xlarge") && is_db_class("db.m6i.16xlarge"));
        assert!(!is_db_class("db.t3.nano") && !is_db_class("db.m6g.medium"));
        assert!(sizes(true).iter().all(|c| is_db_class(c)));
        assert!(sizes(true).contains(&"db.r6g.16xlarge".to_string()));
    }

    /// Each RDS class family has its own sizes (RDS User Guide, "Supported
    /// DB engines for DB instance classes"): db.t3 and db.t4g stop at
    /// 2xlarge, the Graviton classes have no medium and stop at 16xlarge,
    /// db.m5/db.r5 go to 24xlarge and db.m6i/db.r6i to 32xlarge.
    #[test]
    fn db_classes_are_per_family() {
        for bad in [
            "db.t3.nano",
            "db.t3.4xlarge",
            "db.t3.8xlarge",
            "db.t4g.nano",
            "db.t4g.4xlarge",
            "db.m5.medium",
            "db.m5.32xlarge",
            "db.m6i.48xlarge",
            "db.m6g.medium",
            "db.m6g.24xlarge",
            "db.m7g.medium",
            "db.m7g.24xlarge",
            "db.r5.32xlarge",
            "db.r6i.48xlarge",
            "db.r6g.medium",
            "db.r6g.24xlarge",
            "db.r7g.24xlarge",
            "db.r5.9xlarge",
            "db.c5.large",
        ] {
            assert!(!is_db_class(bad), "{bad}");
        }
        for good in [
            "db.t3.micro",
            "db.t3.2xlarge",
            "db.t4g.micro",
            "db.t4g.2xlarge",
            "db.m5.large",
            "db.m5.24xlarge",
            "db.m6i.32xlarge",
            "db.m6g.large",
            "db.m6g.16xlarge",
            "db.m7g.12xlarge",
            "db.r5.24xlarge",
            "db.r6i.32xlarge",
            "db.r6g.large",
            "db.r6g.16xlarge",
            "db.r7g.16xlarge",
        ] {
            assert!(is_db_class(good), "{good}");
        }
        // Every family has sizes, and each listed class is accepted.
        for (family, sizes) in DB_FAMILIES {
            assert!(!sizes.is_empty(), "{family}");
        }
        assert!(sizes(true).iter().all(|c| is_db_class(c)));
        assert_eq!(
            sizes(true).len(),
            DB_FAMILIES.iter().map(|(_, s)| s.len()).sum::<usize>()
        );
        // A size the family lacks: its nearest size by vCPUs, as for EC2.
        assert_eq!(closest_size("db.t3.4xlarge", true), "db.t3.2xlarge");
        assert_eq!(closest_size("db.t3.8xlarge", true), "db.t3.2xlarge");
        assert_eq!(closest_size("db.t3.nano", true), "db.t3.micro");
        assert_eq!(closest_size("db.t4g.4xlarge", true), "db.t4g.2xlarge");
        assert_eq!(closest_size("db.m6g.medium", true), "db.m6g.large");
        assert_eq!(closest_size("db.m6g.24xlarge", true), "db.m6g.16xlarge");
        assert_eq!(closest_size("db.m5.32xlarge", true), "db.m5.24xlarge");
        assert_eq!(closest_size("db.r6g.48xlarge", true), "db.r6g.16xlarge");
        // An EC2 type where an RDS class belongs gets its `db.` back.
        assert_eq!(closest_size("t3.medium", true), "db.t3.medium");
        let described = describe(true);
        assert!(
            described.starts_with(
                "the catalogue holds RDS classes db.<family>.<size> of families t3, t4g in sizes micro, small, medium, large, xlarge, 2xlarge; "
            ),
            "{described}"
        );
        assert!(
            described.contains(
                "; families m6g, m7g, r6g, r7g in sizes large, xlarge, 2xlarge, 4xlarge, 8xlarge, 12xlarge, 16xlarge"
            ),
            "{described}"
        );
        assert!(described.contains("families m5, r5 in sizes large,") && described.contains("families m6i, r6i in"));
    }

    /// Every EC2 type and RDS class of a catalogue family the shipped
    /// inventories name is in the catalogue.
    #[test]
    fn the_shipped_inventories_use_catalogue_types() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("inventory");
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let text = std::fs::read_to_string(&path).unwrap();
            for word in text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '.')) {
                if let Some((family, _)) = word.strip_prefix("db.").and_then(split_type) {
                    if db_family_sizes(family).is_some() {
                        assert!(is_db_class(word), "{}: {word}", path.display());
                    }
                    continue;
                }
                let Some((family, _)) = split_type(word) else { continue };
                if family_sizes(family).is_some() {
                    assert!(is_ec2_type(word), "{}: {word}", path.display());
                }
            }
        }
    }

    #[test]
    fn knows_region_az_counts() {
        assert_eq!(az_count("us-west-1"), Some(2));
        assert_eq!(az_count("mars-north-1"), None);
        for region in [
            "ap-northeast-3",
            "eu-south-2",
            "ca-west-1",
            "me-central-1",
            "af-south-1",
            "ap-east-1",
            "il-central-1",
        ] {
            assert_eq!(az_count(region), Some(3), "{region}");
        }
        let mut names: Vec<&str> = REGIONS.iter().map(|(r, _)| *r).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), REGIONS.len(), "a region is listed twice");
    }

    #[test]
    fn backup_replication_pairs_name_catalogue_regions() {
        for (source, destinations) in AUTOMATED_BACKUP_REPLICATION {
            assert!(az_count(source).is_some(), "{source}");
            for dest in *destinations {
                assert!(az_count(dest).is_some(), "{source} -> {dest}");
                assert_ne!(source, dest);
            }
        }
        assert!(automated_backup_destinations("us-east-2").contains(&"us-west-1"));
        assert!(!automated_backup_destinations("eu-west-2").contains(&"ap-southeast-2"));
        assert!(automated_backup_destinations("mx-central-1").is_empty());
    }

    #[test]
    fn regions_without_aurora_global_databases_are_catalogue_regions() {
        for region in NO_AURORA_GLOBAL_DATABASE {
            assert!(az_count(region).is_some(), "{region}");
            assert!(!has_aurora_global_database(region), "{region}");
        }
        assert!(has_aurora_global_database("us-east-1"));
    }

    #[test]
    fn suggests_the_closest_size_and_describes_the_catalogue() {
        assert_eq!(closest_size("t3.micor", false), "t3.micro");
        assert_eq!(closest_size("db.r6g.lrage", true), "db.r6g.large");
        assert_eq!(closest_size("t2.micro", false), "t3.micro");
        assert!(sizes(false).iter().all(|s| is_ec2_type(s)));
        assert!(sizes(true).contains(&"db.t3.medium".to_string()));
        assert!(describe(false).contains("m6i") && !describe(false).contains("src/"));
    }
}
