//! Per-region VPC layout: CIDR, AZs and the subnet plan, computed here so
//! the generated HCL shows every range explicitly.

use crate::catalog;
use crate::cidr::Cidr;
use crate::inventory::{Inventory, RegionNetwork};

/// The concrete network of one region.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    /// VPC CIDR.
    pub cidr: Cidr,
    /// Public subnet per AZ.
    pub public: Vec<Cidr>,
    /// Private subnet per AZ.
    pub private: Vec<Cidr>,
    /// One NAT gateway per AZ.
    pub nat_per_az: bool,
}

/// Public subnets first, then private ones from the next aligned block.
pub fn subnets(cidr: Cidr, net: &RegionNetwork, max_azs: u8) -> Option<(Vec<Cidr>, Vec<Cidr>)> {
    let azs = net.azs.unwrap_or(max_azs.min(3)) as usize;
    let public_prefix = net.public_prefix.unwrap_or(cidr.prefix + 8);
    let private_prefix = net.private_prefix.unwrap_or(cidr.prefix + 4);
    let (public, next) = cidr.allocate(public_prefix, azs, 0)?;
    let (private, _) = cidr.allocate(private_prefix, azs, next)?;
    Some((public, private))
}

/// The layout of the primary (`dr == false`) or DR region, with defaults
/// filled in: 10.0.0.0/16 primary and the next free /16 for DR. None when
/// the inventory's network does not validate.
pub fn layout(inv: &Inventory, dr: bool) -> Option<Layout> {
    let (region, given, other) = if dr {
        (&inv.regions.dr, &inv.network.dr, &inv.network.primary)
    } else {
        (&inv.regions.primary, &inv.network.primary, &inv.network.dr)
    };
    let net = given.clone().unwrap_or_else(|| {
        let taken: Option<Cidr> = other.as_ref().and_then(|o| o.cidr.parse().ok());
        let base = if dr { 1u32 } else { 0 };
        let cidr = (base..250)
            .map(|i| Cidr {
                addr: (10 << 24) | (i << 16),
                prefix: 16,
            })
            .find(|c| taken.is_none_or(|t| !t.overlaps(*c)))
            .unwrap_or(Cidr {
                addr: 10 << 24,
                prefix: 16,
            });
        RegionNetwork {
            cidr: cidr.to_string(),
            azs: None,
            public_prefix: None,
            private_prefix: None,
            nat_per_az: None,
        }
    });
    let cidr: Cidr = net.cidr.parse().ok()?;
    let max_azs = catalog::az_count(region).unwrap_or(3);
    let (public, private) = subnets(cidr, &net, max_azs)?;
    Some(Layout {
        cidr,
        public,
        private,
        nat_per_az: net.nat_per_az.unwrap_or(true),
    })
}
