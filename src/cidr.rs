//! IPv4 CIDR parsing, overlap checks and subnet allocation.

use std::fmt;
use std::str::FromStr;

/// An IPv4 network in CIDR notation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Cidr {
    /// Network address as a 32-bit integer.
    pub addr: u32,
    /// Prefix length, 0..=32.
    pub prefix: u8,
}

impl Cidr {
    /// The block `a.b.c.d/nn` in `s` covers, host bits cleared (only which
    /// addresses it covers matters, e.g. for an overlap); parsing as
    /// [`FromStr`] does, which refuses host bits instead.
    pub fn covering(s: &str) -> Result<Cidr, String> {
        let (addr, prefix) = parse_parts(s)?;
        Ok(Cidr {
            addr: addr & mask(prefix),
            prefix,
        })
    }

    /// Number of addresses in the block.
    pub fn size(self) -> u64 {
        1u64 << (32 - self.prefix as u32)
    }

    /// One past the last address.
    pub fn end(self) -> u64 {
        self.addr as u64 + self.size()
    }

    /// Whether the two blocks share any address.
    pub fn overlaps(self, other: Cidr) -> bool {
        (self.addr as u64) < other.end() && (other.addr as u64) < self.end()
    }

    /// Carve `count` subnets of `prefix` out of this block, starting at the
    /// first address aligned to that size at or after `from`.
    pub fn allocate(self, prefix: u8, count: usize, from: u64) -> Option<(Vec<Cidr>, u64)> {
        if prefix < self.prefix || prefix > 28 {
            return None;
        }
        let step = 1u64 << (32 - prefix as u32);
        let mut next = from.max(self.addr as u64).div_ceil(step) * step;
        let mut out = Vec::with_capacity(count);
        for _ in 0..count {
            if next + step > self.end() {
                return None;
            }
            out.push(Cidr {
                addr: next as u32,
                prefix,
            });
            next += step;
        }
        Some((out, next))
    }
}

/// The network mask of a `prefix`-bit block.
fn mask(prefix: u8) -> u32 {
    if prefix == 0 {
        0
    } else {
        u32::MAX << (32 - prefix as u32)
    }
}

/// The address and prefix written in `s` (`a.b.c.d/nn`).
fn parse_parts(s: &str) -> Result<(u32, u8), String> {
    let (ip, prefix) = s.split_once('/').ok_or_else(|| format!("`{s}` has no /prefix"))?;
    let prefix: u8 = prefix.parse().map_err(|_| format!("`{s}` has a non-numeric prefix"))?;
    if prefix > 32 {
        return Err(format!("`{s}` has a prefix over 32"));
    }
    let octets: Vec<u32> = ip
        .split('.')
        .map(|o| o.parse::<u8>().map(u32::from))
        .collect::<Result<_, _>>()
        .map_err(|_| format!("`{s}` is not an IPv4 address"))?;
    if octets.len() != 4 {
        return Err(format!("`{s}` is not an IPv4 address"));
    }
    Ok((octets.iter().fold(0u32, |acc, o| (acc << 8) | o), prefix))
}

impl FromStr for Cidr {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (addr, prefix) = parse_parts(s)?;
        if addr & !mask(prefix) != 0 {
            return Err(format!(
                "`{s}` has host bits set; the network address is {}",
                Cidr {
                    addr: addr & mask(prefix),
                    prefix
                }
            ));
        }
        Ok(Cidr { addr, prefix })
    }
}

impl fmt::Display for Cidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let a = self.addr;
        write!(
            f,
            "{}.{}.{}.{}/{}",
            a >> 24,
            (a >> 16) & 255,
            (a >> 8) & 255,
            a & 255,
            self.prefix
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(s: &str) -> Cidr {
        s.parse().unwrap()
    }

    #[test]
    fn parses_and_prints() {
        assert_eq!(c("10.0.0.0/16").to_string(), "10.0.0.0/16");
        assert!("10.0.0.1/16".parse::<Cidr>().unwrap_err().contains("host bits"));
        assert!("10.0.0/16".parse::<Cidr>().is_err());
        assert!("10.0.0.0".parse::<Cidr>().is_err());
    }

    #[test]
    fn detects_overlap() {
        assert!(c("10.0.0.0/16").overlaps(c("10.0.128.0/17")));
        assert!(!c("10.0.0.0/16").overlaps(c("10.1.0.0/16")));
    }

    #[test]
    fn allocates_the_seed_003_plan() {
        // Public /21 ×3 first, then private /18 ×3 from the next aligned block.
        let vpc = c("10.0.0.0/16");
        let (public, next) = vpc.allocate(21, 3, 0).unwrap();
        let (private, _) = vpc.allocate(18, 3, next).unwrap();
        let p: Vec<String> = public.iter().map(|c| c.to_string()).collect();
        let q: Vec<String> = private.iter().map(|c| c.to_string()).collect();
        assert_eq!(p, ["10.0.0.0/21", "10.0.8.0/21", "10.0.16.0/21"]);
        assert_eq!(q, ["10.0.64.0/18", "10.0.128.0/18", "10.0.192.0/18"]);
    }

    #[test]
    fn allocation_that_does_not_fit_fails() {
        assert!(c("10.0.0.0/24").allocate(26, 5, 0).is_none());
    }
}
