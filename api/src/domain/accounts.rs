//! The rules of an account: what a new password must be, and which tracks
//! each role holds.

use super::limits;
use super::text::{self, TextKind};
use entity::Role;

/// What is wrong with a password a user or an admin chooses, or `None`:
/// at least [`limits::PASSWORD_MIN_CHARS`] characters (any passphrase up
/// to the text limit), not blank around, not the e-mail itself.
pub fn new_password_problem(password: &str, email: &str) -> Option<String> {
    if let Some(why) = text::problem(password, TextKind::Password) {
        return Some(why);
    }
    if password.chars().count() < limits::PASSWORD_MIN_CHARS {
        return Some(format!("must be at least {} characters", limits::PASSWORD_MIN_CHARS));
    }
    if password.trim() != password {
        return Some("must not begin or end with a space".to_owned());
    }
    if password.eq_ignore_ascii_case(email.trim()) {
        return Some("must not be the e-mail address".to_owned());
    }
    None
}

/// What is wrong with the tracks given to a role, or `None`: an account
/// manager works in exactly one track, a director runs at least one, the
/// CEO, the secretary and the admin hold none.
pub fn tracks_problem(role: Role, tracks: usize) -> Option<String> {
    match role {
        Role::AccountManager if tracks != 1 => Some("an account manager works in exactly one track".to_owned()),
        Role::TrackDirector if tracks == 0 => Some("a track director runs at least one track".to_owned()),
        Role::TrackDirector if tracks > limits::DIRECTOR_TRACKS => {
            Some(format!("a track director runs at most {} tracks", limits::DIRECTOR_TRACKS))
        }
        Role::Ceo | Role::Secretary | Role::Admin if tracks > 0 => Some("this role holds no track".to_owned()),
        _ => None,
    }
}

/// A plausible e-mail address: one `@` with text on both sides and a dot
/// in the domain (the rest is the mail server's business).
pub fn email_problem(email: &str) -> Option<&'static str> {
    let Some((local, domain)) = email.split_once('@') else {
        return Some("must be an e-mail address such as name@company.cn");
    };
    let ok = !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !email.chars().any(char::is_whitespace);
    (!ok).then_some("must be an e-mail address such as name@company.cn")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_need_eight_characters_and_not_the_email() {
        assert!(new_password_problem("short", "a@b.cn").is_some());
        assert!(new_password_problem("a@b.cn12", "a@b.cn12").is_some());
        assert!(new_password_problem(" padded password", "a@b.cn").is_some());
        assert_eq!(new_password_problem("模具销售很重要!", "a@b.cn"), None);
        assert!(new_password_problem(&"x".repeat(limits::PASSWORD_CHARS + 1), "a@b.cn").is_some());
    }

    #[test]
    fn each_role_holds_its_tracks() {
        assert!(tracks_problem(Role::AccountManager, 0).is_some());
        assert!(tracks_problem(Role::AccountManager, 2).is_some());
        assert_eq!(tracks_problem(Role::AccountManager, 1), None);
        assert!(tracks_problem(Role::TrackDirector, 0).is_some());
        assert_eq!(tracks_problem(Role::TrackDirector, 3), None);
        assert!(tracks_problem(Role::Ceo, 1).is_some());
        assert_eq!(tracks_problem(Role::Admin, 0), None);
    }

    #[test]
    fn emails_are_checked_for_shape() {
        assert_eq!(email_problem("wang@mold.cn"), None);
        assert!(email_problem("wang").is_some());
        assert!(email_problem("wang@mold").is_some());
        assert!(email_problem("@mold.cn").is_some());
        assert!(email_problem("wang @mold.cn").is_some());
    }
}
