//! The events list of the Events & API log area: cached Stripe events filtered by type (with
//! `*` wildcards) or object, and one event's JSON.

use billfold_core::events_list::{EventDetail, EventPage, EventQuery};
use tauri::State;

use super::CommandResult;
use crate::AppState;

/// A page of the account's cached events, newest first.
#[tauri::command(async)]
pub fn list_events(state: State<'_, AppState>, account_id: String, query: EventQuery) -> CommandResult<EventPage> {
    state.core()?.list_events(&account_id, &query).map_err(|err| err.payload())
}

/// One cached event with its JSON.
#[tauri::command(async)]
pub fn event_detail(state: State<'_, AppState>, account_id: String, event_id: String) -> CommandResult<EventDetail> {
    state.core()?.event_detail(&account_id, &event_id).map_err(|err| err.payload())
}
