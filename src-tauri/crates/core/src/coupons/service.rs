//! Coupons on [`Billfold`]: the cached list, and a new coupon created exactly once (one
//! journaled operation whose answer is applied to the cache before it returns).

use super::validate::new_coupon_form;
use super::{CouponRow, NewCouponInput};
use crate::error::{Error, Result};
use crate::journal::{self, CreateCoupon, OperationKind};
use crate::service::Billfold;

impl Billfold {
    /// The account's cached coupons, valid ones first.
    pub fn list_coupons(&self, account_id: &str) -> Result<Vec<CouponRow>> {
        self.store().get_account(account_id)?;
        self.store().coupons(account_id)
    }

    /// Creates a coupon after checking it against Stripe's limits; answers it as cached.
    pub async fn create_coupon(&self, account_id: &str, input: NewCouponInput) -> Result<CouponRow> {
        self.store().get_account(account_id)?;
        let now = chrono::Utc::now().timestamp();
        let form = new_coupon_form(&input, now, |product| match self.store().cached_product(account_id, product) {
            Ok(_) => Ok(true),
            Err(Error::NotFound(_) | Error::Validation(_)) => Ok(false),
            Err(err) => Err(err),
        })?;
        let gateway = self.gateway(account_id).await?;
        let input = serde_json::to_value(CreateCoupon { form }).map_err(|err| Error::Internal(err.to_string()))?;
        let operation = journal::begin(self.store(), account_id, OperationKind::CreateCoupon, input)?;
        let output = journal::run(&self.shared_store(), &gateway, &operation.id).await;
        self.written_to_stripe(account_id, ["coupons"]);
        let output = output?;
        let coupon_id = output["coupon_id"]
            .as_str()
            .ok_or_else(|| Error::Internal("a create_coupon operation gave no coupon id".into()))?;
        self.store()
            .coupon(account_id, coupon_id)?
            .ok_or_else(|| Error::Internal(format!("the new coupon {coupon_id} is not in the cache")))
    }
}
