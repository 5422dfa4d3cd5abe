//! BENCHMARKS.md is written by several commands, each owning its `## `
//! sections and leaving the others alone.

/// `old` with the section whose heading starts with `heading` replaced by
/// `section` (or appended).
pub fn replace_section(old: &str, heading: &str, section: &str) -> String {
    let Some(start) = old.find(heading) else {
        return format!("{}\n\n{section}", old.trim_end());
    };
    let after = &old[start + heading.len()..];
    let end = after
        .find("\n## ")
        .map_or(old.len(), |i| start + heading.len() + i + 1);
    format!("{}{section}{}", &old[..start], &old[end..])
}

#[cfg(test)]
mod tests {
    use super::replace_section;

    #[test]
    fn replaces_only_its_section() {
        let old = "# B\n\n## Engine\n\nx\n\n## Server ingest (old)\n\nold\n\n## Later\n\ny\n";
        assert_eq!(
            replace_section(old, "## Server ingest", "## Server ingest\n\nnew\n\n"),
            "# B\n\n## Engine\n\nx\n\n## Server ingest\n\nnew\n\n## Later\n\ny\n"
        );
        assert_eq!(
            replace_section("# B\n", "## App", "## App\n"),
            "# B\n\n## App\n"
        );
    }
}
