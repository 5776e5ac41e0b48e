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

const EC2_FAMILIES: &[&str] = &[
    "t3", "t3a", "t4g", "m5", "m5a", "m6i", "m6a", "m6g", "m7i", "m7g", "c5", "c6i", "c6g", "c7i", "c7g", "r5", "r6i",
    "r6g", "r7i", "r7g",
];
const EC2_SIZES: &[&str] = &[
    "nano", "micro", "small", "medium", "large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge",
];
const DB_FAMILIES: &[&str] = &["t3", "t4g", "m5", "m6i", "m6g", "m7g", "r5", "r6i", "r6g", "r7g"];

/// Whether `size` is a known EC2 instance type (current generation).
pub fn is_ec2_type(size: &str) -> bool {
    split_type(size).is_some_and(|(family, sz)| {
        EC2_FAMILIES.contains(&family)
            && EC2_SIZES.contains(&sz)
            && !(family.starts_with('t') && sz.ends_with("xlarge") && sz.len() > 7)
            && (family.starts_with('t') || !matches!(sz, "nano" | "micro" | "small" | "medium"))
    })
}

/// vCPUs of EC2 instance type `size` of the catalogue (every catalogue
/// family is a Standard one: A, C, D, H, I, M, R, T, Z). Burstable types up
/// to large have 2, then each size step doubles: xlarge 4, 2xlarge 8,
/// 4xlarge 16, 8xlarge 32, 12xlarge 48, 16xlarge 64 (EC2 instance types
/// specifications, "General purpose" / "Compute optimized" / "Memory
/// optimized" tables). None for a size outside the catalogue.
pub fn vcpus(size: &str) -> Option<u32> {
    if !is_ec2_type(size) {
        return None;
    }
    let (_, sz) = split_type(size)?;
    match sz {
        "nano" | "micro" | "small" | "medium" | "large" => Some(2),
        "xlarge" => Some(4),
        other => other.strip_suffix("xlarge")?.parse::<u32>().ok().map(|n| 4 * n),
    }
}

/// Whether `size` is a known RDS/Aurora instance class (current generation).
pub fn is_db_class(size: &str) -> bool {
    size.strip_prefix("db.")
        .and_then(split_type)
        .is_some_and(|(family, sz)| {
            DB_FAMILIES.contains(&family)
                && EC2_SIZES.contains(&sz)
                && sz != "nano"
                && !(family.starts_with('t') && sz.ends_with("xlarge") && sz.len() > 7)
                && (family.starts_with('t') || !matches!(sz, "micro" | "small" | "medium"))
        })
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
    let mut out = Vec::new();
    for family in if db { DB_FAMILIES } else { EC2_FAMILIES } {
        for size in EC2_SIZES {
            let name = if db {
                format!("db.{family}.{size}")
            } else {
                format!("{family}.{size}")
            };
            if (db && is_db_class(&name)) || (!db && is_ec2_type(&name)) {
                out.push(name);
            }
        }
    }
    out
}

/// The catalogue size closest to a misspelt `size` (`t3.micor` → `t3.micro`),
/// else a nearby current one ([`suggest`]).
pub fn closest_size(size: &str, db: bool) -> String {
    let known = sizes(db);
    crate::suggest::closest(size, known.iter().map(String::as_str))
        .map(str::to_string)
        .unwrap_or_else(|| suggest(size, db).to_string())
}

/// The catalogue in one line, for help texts (users of the binary have no source to read).
pub fn describe(db: bool) -> String {
    if db {
        format!(
            "the catalogue holds db.<family>.<size> for families {} (no nano; burstable t families up to 2xlarge, the others from large)",
            DB_FAMILIES.join(", ")
        )
    } else {
        format!(
            "the catalogue holds families {} in sizes {} (burstable t families up to 2xlarge, the others from large)",
            EC2_FAMILIES.join(", "),
            EC2_SIZES.join(", ")
        )
    }
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
    fn suggests_the_closest_size_and_describes_the_catalogue() {
        assert_eq!(closest_size("t3.micor", false), "t3.micro");
        assert_eq!(closest_size("db.r6g.lrage", true), "db.r6g.large");
        assert_eq!(closest_size("t2.micro", false), "t3.micro");
        assert!(sizes(false).iter().all(|s| is_ec2_type(s)));
        assert!(sizes(true).contains(&"db.t3.medium".to_string()));
        assert!(describe(false).contains("m6i") && !describe(false).contains("src/"));
    }
}
