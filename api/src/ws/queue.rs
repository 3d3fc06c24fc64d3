//! A socket's outgoing queue: bounded like a channel, one sender and one
//! receiver, and it gives its memory back when drained — a channel keeps
//! every block it grew to, which after a burst to 10,000 sockets held about
//! 4 KiB per socket until the socket closed.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, PoisonError};
use tokio::sync::Notify;

/// Above this many slots, a drained queue frees its buffer.
const KEEP: usize = 16;

struct State<T> {
    items: VecDeque<T>,
    sender_gone: bool,
    receiver_gone: bool,
}

struct Shared<T> {
    state: Mutex<State<T>>,
    capacity: usize,
    readable: Notify,
    writable: Notify,
}

impl<T> Shared<T> {
    fn lock(&self) -> std::sync::MutexGuard<'_, State<T>> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

pub struct Sender<T>(Arc<Shared<T>>);
pub struct Receiver<T>(Arc<Shared<T>>);

pub enum TrySendError {
    Full,
    Closed,
}

pub fn channel<T>(capacity: usize) -> (Sender<T>, Receiver<T>) {
    let shared = Arc::new(Shared {
        state: Mutex::new(State {
            items: VecDeque::new(),
            sender_gone: false,
            receiver_gone: false,
        }),
        capacity,
        readable: Notify::new(),
        writable: Notify::new(),
    });
    (Sender(shared.clone()), Receiver(shared))
}

impl<T> Sender<T> {
    /// Queues `item` if there is room.
    pub fn try_send(&self, item: T) -> Result<(), TrySendError> {
        {
            let mut s = self.0.lock();
            if s.receiver_gone {
                return Err(TrySendError::Closed);
            }
            if s.items.len() >= self.0.capacity {
                return Err(TrySendError::Full);
            }
            s.items.push_back(item);
        }
        self.0.readable.notify_one();
        Ok(())
    }

    /// Queues `item`, waiting for room; `Err` when the receiver is gone.
    pub async fn send(&self, item: T) -> Result<(), ()> {
        let mut item = Some(item);
        loop {
            // Registered before looking, so that room made meanwhile is not missed.
            let room = self.0.writable.notified();
            tokio::pin!(room);
            room.as_mut().enable();
            {
                let mut s = self.0.lock();
                if s.receiver_gone {
                    return Err(());
                }
                if s.items.len() < self.0.capacity {
                    if let Some(i) = item.take() {
                        s.items.push_back(i);
                    }
                    drop(s);
                    self.0.readable.notify_one();
                    return Ok(());
                }
            }
            room.await;
        }
    }
}

impl<T> Drop for Sender<T> {
    fn drop(&mut self) {
        self.0.lock().sender_gone = true;
        self.0.readable.notify_one();
    }
}

impl<T> Receiver<T> {
    /// The next item; `None` once the sender is gone and all is read.
    pub async fn recv(&mut self) -> Option<T> {
        loop {
            let ready = self.0.readable.notified();
            tokio::pin!(ready);
            ready.as_mut().enable();
            {
                let mut s = self.0.lock();
                if let Some(item) = s.items.pop_front() {
                    if s.items.is_empty() && s.items.capacity() > KEEP {
                        s.items = VecDeque::new();
                    }
                    drop(s);
                    self.0.writable.notify_one();
                    return Some(item);
                }
                if s.sender_gone {
                    return None;
                }
            }
            ready.await;
        }
    }
}

impl<T> Drop for Receiver<T> {
    fn drop(&mut self) {
        let mut s = self.0.lock();
        s.receiver_gone = true;
        // What was queued goes now, not when the last handle does.
        s.items = VecDeque::new();
        drop(s);
        self.0.writable.notify_one();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn bounded_in_order_and_gives_its_memory_back() {
        let (tx, mut rx) = channel::<usize>(100);
        for i in 0..100 {
            assert!(tx.try_send(i).is_ok());
        }
        assert!(matches!(tx.try_send(100), Err(TrySendError::Full)));
        // A waiting sender gets in once the receiver makes room.
        let (sent, first) = tokio::join!(tx.send(100), rx.recv());
        assert_eq!((sent, first), (Ok(()), Some(0)));
        for i in 1..=100 {
            assert_eq!(rx.recv().await, Some(i));
        }
        assert!(rx.0.lock().items.capacity() <= KEEP);
        drop(tx);
        assert_eq!(rx.recv().await, None);
        let (tx, rx) = channel::<usize>(1);
        drop(rx);
        assert!(matches!(tx.try_send(1), Err(TrySendError::Closed)));
        assert_eq!(tx.send(1).await, Err(()));
    }
}
