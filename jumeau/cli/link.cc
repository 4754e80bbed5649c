// `jumeau link STORE --source-id KEY --patient P`: say that the person a
// source names by KEY is patient P. Earlier records of KEY move to P (their
// patient is merged into P); later ingests naming KEY land in P. The key is
// kept only as a keyed hash.
#include <cstdio>
#include <nlohmann/json.hpp>

#include "jumeau/cli/cli.h"

namespace jumeau::cli {

void AddLinkVerb(CLI::App& app, Action* action) {
  auto* cmd = app.add_subcommand(
      "link", "Link a source identity to a patient (merging records)");
  struct Args {
    std::string store, key, patient;
    bool json = false;
  };
  auto args = std::make_shared<Args>();
  cmd->add_option("STORE", args->store, "Store file")->required();
  cmd->add_option("--source-id", args->key,
                  "The identity as sources name it: fhir-patient:ID, "
                  "identifier:SYSTEM|VALUE, vcf-sample:NAME, "
                  "wfdb-record:NAME, edf-patient:FIELD, "
                  "challenge2012-record:ID")
      ->required();
  cmd->add_option("--patient", args->patient, "Patient pseudonym")->required();
  cmd->add_flag("--json", args->json, "Machine-readable output");
  cmd->callback([=] {
    *action = [=]() -> Status {
      if (args->key.find(':') == std::string::npos) {
        return InvalidArgumentError(
            "--source-id must be KIND:VALUE (e.g. vcf-sample:HG00096)");
      }
      JUMEAU_ASSIGN_OR_RETURN(auto store, OpenStore(args->store));
      JUMEAU_ASSIGN_OR_RETURN(const auto r,
                              store->Link(args->key, args->patient));
      if (args->json) {
        nlohmann::json j = {{"patient", r.pseudonym},
                            {"created", r.created},
                            {"merged_from", r.merged_from}};
        std::printf("%s\n", j.dump(2).c_str());
        return Status::Ok();
      }
      std::printf("linked to patient %s%s", r.pseudonym.c_str(),
                  r.created ? " (new)" : "");
      if (!r.merged_from.empty())
        std::printf("; patient %s merged into it", r.merged_from.c_str());
      std::printf("\n");
      return Status::Ok();
    };
  });
}

}  // namespace jumeau::cli
