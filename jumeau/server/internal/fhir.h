// The FHIR R4 read facade: the store's patients as Patient resources, measured
// and derived values and twin outputs as Observations, SCORE2 and Framingham
// as RiskAssessments (searchset Bundles). Internal to server/ (api.cc routes
// /fhir/... here).
#ifndef JUMEAU_SERVER_INTERNAL_FHIR_H_
#define JUMEAU_SERVER_INTERNAL_FHIR_H_

#include "jumeau/core/status.h"
#include "jumeau/server/api.h"
#include "jumeau/server/internal/params.h"
#include "jumeau/store/store.h"

namespace jumeau::server::internal {

// GET /fhir/Patient/{id}: the pseudonym as id, gender, birthDate (the
// store's generalised date; the year only for researchers).
Result<Response> FhirPatient(const Caller& caller,
                             const store::PatientInfo& patient);

// GET /fhir/Observation?patient=&code=&date=&_count=: a searchset Bundle of
// the patient's events that carry a value (quantity or coded), derived
// results included (tagged with their analysis), and the outputs of the
// latest twin snapshot (code system urn:jumeau:twin-output). code: "code" or
// "system|code"; date: repeated, each [eq|ge|gt|le|lt] and a FHIR date or
// dateTime; _count: 1..1000 [100]. kInvalidArgument for a malformed
// parameter.
Result<Response> FhirObservations(store::Store& store, const Caller& caller,
                                  const store::PatientInfo& patient,
                                  const Request& request);

// GET /fhir/RiskAssessment?patient=: SCORE2 and Framingham 2008 results as
// RiskAssessments (probabilityDecimal, 10-year horizon, inputs as a note).
Result<Response> FhirRiskAssessments(store::Store& store, const Caller& caller,
                                     const store::PatientInfo& patient);

}  // namespace jumeau::server::internal

#endif  // JUMEAU_SERVER_INTERNAL_FHIR_H_
