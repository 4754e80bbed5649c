// Storing a twin report (cardiovascular, brain or progression: anything with
// model, model_version, data_from, data_to, ToJson(), snapshot_id and
// created) as a store::TwinSnapshot. Internal to jumeau/derive.
#ifndef JUMEAU_DERIVE_INTERNAL_STORE_REPORT_H_
#define JUMEAU_DERIVE_INTERNAL_STORE_REPORT_H_

#include <utility>

#include "jumeau/core/status.h"
#include "jumeau/store/store.h"

namespace jumeau::derive::internal {

// Stores `r` as a snapshot of `patient` (its JSON from r.ToJson()) and sets
// r.snapshot_id and r.created from the stored snapshot. Returns the store's
// errors (store::Store::AddTwinSnapshot).
template <typename Report>
Status StoreTwinReport(store::Store& store, store::PatientId patient,
                       Report& r) {
  store::TwinSnapshot snapshot;
  snapshot.model = r.model;
  snapshot.model_version = r.model_version;
  snapshot.data_from = r.data_from;
  snapshot.data_to = r.data_to;
  snapshot.data_json = r.ToJson();
  JUMEAU_ASSIGN_OR_RETURN(const store::TwinSnapshot stored,
                          store.AddTwinSnapshot(patient, std::move(snapshot)));
  r.snapshot_id = stored.id;
  r.created = stored.created;
  return Status::Ok();
}

}  // namespace jumeau::derive::internal

#endif  // JUMEAU_DERIVE_INTERNAL_STORE_REPORT_H_
