//! Facts acmegen checks inventories against: regions and their AZ counts,
//! EC2 instance types and RDS instance classes it knows.

/// AWS regions acmegen supports, with the number of AZs a typical account can use.
pub const REGIONS: &[(&str, u8)] = &[
    ("us-east-1", 6),
    ("us-east-2", 3),
    ("us-west-1", 2),
    ("us-west-2", 4),
    ("ca-central-1", 3),
    ("sa-east-1", 3),
    ("eu-west-1", 3),
    ("eu-west-2", 3),
    ("eu-west-3", 3),
    ("eu-central-1", 3),
    ("eu-north-1", 3),
    ("eu-south-1", 3),
    ("ap-south-1", 3),
    ("ap-southeast-1", 3),
    ("ap-southeast-2", 3),
    ("ap-northeast-1", 3),
    ("ap-northeast-2", 4),
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
    fn knows_region_az_counts() {
        assert_eq!(az_count("us-west-1"), Some(2));
        assert_eq!(az_count("mars-north-1"), None);
    }
}
