//! Balance and payouts on [`Billfold`]: the payouts list and a payout's detail (its
//! transactions fetched once, then read from the cache), its CSV, and the balance.

use super::{balance, check_payout_id, csv, transactions, AccountBalance, PayoutDetail, PayoutPage};
use crate::error::Result;
use crate::service::Billfold;
use crate::store::ListQuery;

impl Billfold {
    /// A page of the account's cached payouts (see [`crate::store::Store::list_payouts`]).
    pub fn list_payouts(&self, account_id: &str, query: &ListQuery) -> Result<PayoutPage> {
        self.store().get_account(account_id)?;
        self.store().list_payouts(account_id, query)
    }

    /// A cached payout with its balance transactions and their sums. The first time, the
    /// transactions are fetched from Stripe (every page) and cached; afterwards, and offline,
    /// they are read from the cache.
    pub async fn payout_detail(&self, account_id: &str, payout_id: &str) -> Result<PayoutDetail> {
        check_payout_id(payout_id)?;
        self.store().get_account(account_id)?;
        let payout = self.store().cached_payout(account_id, payout_id)?;
        let kept = match transactions::cached(self.store(), account_id, payout_id)? {
            Some(kept) => kept,
            None => {
                let gateway = self.gateway(account_id).await?;
                let fetched = transactions::fetch(&gateway, payout_id).await?;
                transactions::store(self.store(), account_id, payout_id, &fetched, chrono::Utc::now().timestamp())?;
                self.notify_changed(account_id, [transactions::RESOURCE]);
                transactions::cached(self.store(), account_id, payout_id)?.unwrap_or_default()
            }
        };
        let (transactions, fetched_at) = kept;
        let sums = transactions::sums(&transactions, payout.amount);
        Ok(PayoutDetail { payout, transactions, sums, fetched_at })
    }

    /// A payout's transactions as CSV text (fetched first if its detail never opened), for
    /// the UI to save.
    pub async fn export_payout_csv(&self, account_id: &str, payout_id: &str) -> Result<String> {
        csv::export(&self.payout_detail(account_id, payout_id).await?)
    }

    /// The account's balance per currency, read from Stripe and kept; when Stripe cannot be
    /// reached, the one kept last, marked stale with the time it was read.
    pub async fn account_balance(&self, account_id: &str) -> Result<AccountBalance> {
        self.store().get_account(account_id)?;
        let fetched = match self.gateway(account_id).await {
            Ok(gateway) => gateway.get_json("/v1/balance", &[]).await,
            Err(err) => Err(err),
        };
        match fetched {
            Ok(answer) => {
                let now = chrono::Utc::now().timestamp();
                balance::store(self.store(), account_id, &answer, now)?;
                Ok(AccountBalance { amounts: balance::amounts(&answer), as_of: now, stale: false })
            }
            Err(err) => balance::cached(self.store(), account_id)?.ok_or(err),
        }
    }
}
