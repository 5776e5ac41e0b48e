//! "Did you mean …?": the closest known word to a misspelt one.
//!
//! Used for unknown fields, kinds, DR strategies, regions and instance
//! types, so that an error names the likely fix instead of a long list.

/// Edit distance between `a` and `b` (Levenshtein, plus adjacent
/// transpositions counting as one edit), case-insensitive, over chars.
pub fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.to_lowercase().chars().collect();
    let b: Vec<char> = b.to_lowercase().chars().collect();
    // Three rows of the optimal-string-alignment table.
    let mut before: Vec<usize> = vec![0; b.len() + 1];
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur: Vec<usize> = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        cur[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(before[j - 2] + 1);
            }
            cur[j] = d;
        }
        std::mem::swap(&mut before, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// The candidate closest to `word`, when it is close enough to be a likely
/// typo: at most a third of the word's length in edits (at least one), or
/// the same word with `-`/`_` swapped. Ties go to the earlier candidate.
pub fn closest<'a, I>(word: &str, candidates: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    let normalized = |s: &str| s.to_lowercase().replace(['-', '_', ' '], "");
    let budget = (word.chars().count() / 3).max(1);
    let mut best: Option<(usize, &'a str)> = None;
    for c in candidates {
        if c == word {
            continue;
        }
        let d = if normalized(c) == normalized(word) {
            0
        } else {
            distance(word, c)
        };
        if d <= budget && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c)
}

/// `"did you mean `x`? "` for the closest candidate, or an empty string.
pub fn did_you_mean<'a, I>(word: &str, candidates: I) -> String
where
    I: IntoIterator<Item = &'a str>,
{
    closest(word, candidates).map_or_else(String::new, |c| format!("did you mean `{c}`? "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_edits_and_transpositions() {
        assert_eq!(distance("qty", "qty"), 0);
        assert_eq!(distance("qtty", "qty"), 1);
        assert_eq!(distance("qyt", "qty"), 1, "a transposition is one edit");
        assert_eq!(distance("kitten", "sitting"), 3);
        assert_eq!(distance("", "abc"), 3);
        assert_eq!(distance("Port", "port"), 0);
    }

    #[test]
    fn suggests_only_likely_typos() {
        let fields = [
            "kind",
            "name",
            "qty",
            "dr_qty",
            "volume_gb",
            "storage_gb",
            "engine_version",
        ];
        assert_eq!(closest("qtty", fields), Some("qty"));
        assert_eq!(closest("volume_gib", fields), Some("volume_gb"));
        assert_eq!(closest("engine-version", fields), Some("engine_version"));
        assert_eq!(closest("colour", fields), None);
        assert_eq!(
            closest("pilot_light", ["active", "pilot-light", "none"]),
            Some("pilot-light")
        );
        assert_eq!(
            closest("us-east-3", ["us-east-1", "us-east-2", "eu-west-1"]),
            Some("us-east-1")
        );
    }

    #[test]
    fn formats_the_hint() {
        assert_eq!(did_you_mean("nmae", ["name", "kind"]), "did you mean `name`? ");
        assert_eq!(did_you_mean("zzzzzz", ["name", "kind"]), "");
    }
}
