//! The sockets a user holds, counted while they are open.

use super::*;

/// One socket counted against its user; uncounted when dropped.
pub(super) struct SocketSlot {
    app: Arc<AppState>,
    user_id: i64,
}

impl Drop for SocketSlot {
    fn drop(&mut self) {
        let mut counts = self.app.sockets_per_user.0.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(n) = counts.get_mut(&self.user_id) {
            *n -= 1;
            if *n == 0 {
                counts.remove(&self.user_id);
            }
        }
    }
}

pub(super) fn take_slot(app: &Arc<AppState>, user_id: i64) -> Option<SocketSlot> {
    let mut counts = app.sockets_per_user.0.lock().unwrap_or_else(|p| p.into_inner());
    let n = counts.entry(user_id).or_default();
    if *n >= app.config.max_sockets_per_user {
        return None;
    }
    *n += 1;
    Some(SocketSlot { app: app.clone(), user_id })
}
