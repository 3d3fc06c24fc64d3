//! The languages the API answers in: the kernel knows them, so that an
//! error, the configuration and the message catalogue need nothing above.

/// A language the API answers in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Locale {
    /// 简体中文 (the company's language, the default).
    #[default]
    ZhCn,
    /// English.
    En,
}

impl Locale {
    /// A tag as a client or the configuration names it (`zh`, `zh-CN`,
    /// `zh-Hans`, `en`, `en-US`…), case-insensitive.
    pub fn from_tag(tag: &str) -> Option<Locale> {
        let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "zh" => Some(Locale::ZhCn),
            "en" => Some(Locale::En),
            _ => None,
        }
    }

    /// The best of our locales for an `Accept-Language` header (RFC 9110:
    /// the highest `q` wins, in order of appearance on a tie), if any fits.
    pub fn from_accept_language(header: &str) -> Option<Locale> {
        let mut best: Option<(f32, Locale)> = None;
        for part in header.split(',').take(32) {
            let mut pieces = part.split(';');
            let Some(locale) = pieces.next().and_then(Locale::from_tag) else {
                continue;
            };
            let q = pieces
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            if q > 0.0 && best.is_none_or(|(bq, _)| q > bq) {
                best = Some((q, locale));
            }
        }
        best.map(|(_, l)| l)
    }
}
