//! The one table of limits a client meets: text lengths and page sizes.
//! Everything that checks a length or a page size reads it from here; the
//! README's limits table is this file in prose.

/// Characters of an opportunity's title or a customer's name.
pub const NAME_CHARS: usize = 200;
/// Characters of a login e-mail (RFC 5321).
pub const EMAIL_CHARS: usize = 254;
/// Characters of a password: any passphrase, cheap to hash.
pub const PASSWORD_CHARS: usize = 256;
/// Characters a new password needs at least.
pub const PASSWORD_MIN_CHARS: usize = 8;
/// Characters of a person's name.
pub const PERSON_NAME_CHARS: usize = 100;
/// Tracks one director may run.
pub const DIRECTOR_TRACKS: usize = 20;
/// Characters of a refresh token (they are 47; anything longer is not one).
pub const REFRESH_TOKEN_CHARS: usize = 100;
/// Characters of a 模号.
pub const MOLD_NUMBER_CHARS: usize = 64;
/// Characters of a follow-up note.
pub const NOTE_CHARS: usize = 4_000;
/// Characters of a director's comment.
pub const COMMENT_CHARS: usize = 2_000;
/// Characters of a reason or an explanation.
pub const REASON_CHARS: usize = 1_000;
/// Characters of a search or filter text.
pub const SEARCH_CHARS: usize = 100;
/// Characters of an ERP record's external id.
pub const EXTERNAL_ID_CHARS: usize = 64;
/// Rows one `importErpBatch` carries (larger batches come as a file).
pub const ERP_BATCH_ROWS: usize = 1_000;
/// Rows one uploaded or command-line CSV file carries.
pub const ERP_FILE_ROWS: usize = 1_000_000;
/// An imported file's name as logged (longer ones are cut).
pub const FILE_NAME_CHARS: usize = 255;
/// The largest CSV file imported (bytes).
pub const ERP_FILE_BYTES: usize = 64 * 1024 * 1024;
/// The longest line of a CSV file (bytes): an export's lines are a few hundred.
pub const CSV_LINE_BYTES: usize = 64 * 1024;
/// Rows one board dimension answers with at most (`rows(first:)`).
pub const BOARD_ROWS: usize = 2_000;
/// Row problems one answer lists (the rest are counted).
pub const ERP_PROBLEMS_SHOWN: usize = 1_000;

/// A page of a list (connections, loss reviews): its size when the client
/// says nothing, and the largest he may ask for.
pub const PAGE: PageSize = PageSize { default: 20, max: 100 };
/// The follow-ups shown under one opportunity.
pub const ACTIVITIES: PageSize = PageSize { default: 50, max: 200 };
/// The customers a name search offers.
pub const CUSTOMERS: PageSize = PageSize { default: 20, max: 50 };

/// Alerts one `markAlertsSeen` names.
pub const MARK_SEEN: usize = 100;

/// How many rows a client may ask for at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageSize {
    pub default: u64,
    pub max: u64,
}

impl PageSize {
    /// The size to use for a requested `first` (the default when absent),
    /// or the message saying what is allowed.
    pub fn check(self, first: Option<i64>) -> Result<u64, String> {
        match first {
            None => Ok(self.default),
            Some(n) if n >= 1 && n.unsigned_abs() <= self.max => Ok(n.unsigned_abs()),
            Some(_) => Err(format!("must be between 1 and {}", self.max)),
        }
    }

    /// The size a cost estimate assumes for a requested `first`: what the
    /// check would allow, clamped so a refused value costs no more.
    pub fn for_cost(self, first: Option<i64>) -> usize {
        let n = first.map_or(self.default, |n| n.clamp(1, self.max as i64).unsigned_abs());
        usize::try_from(n).unwrap_or(usize::MAX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_sizes_default_and_bound() {
        assert_eq!(PAGE.check(None), Ok(20));
        assert_eq!(PAGE.check(Some(100)), Ok(100));
        assert!(PAGE.check(Some(101)).is_err());
        assert!(PAGE.check(Some(0)).is_err());
        assert!(PAGE.check(Some(-1)).is_err());
        assert_eq!(ACTIVITIES.for_cost(Some(1_000_000)), 200);
        assert_eq!(CUSTOMERS.for_cost(None), 20);
    }
}
