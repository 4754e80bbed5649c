// `jumeau token create|list|revoke STORE`: bearer tokens of the HTTP API.
// A token's secret is printed once, at creation; the store keeps a keyed hash.
#include <cstdio>
#include <nlohmann/json.hpp>

#include "jumeau/cli/cli.h"

namespace jumeau::cli {

void AddTokenVerb(CLI::App& app, Action* action) {
  auto* cmd = app.add_subcommand("token", "Create, list or revoke API tokens");
  cmd->require_subcommand(1);
  struct Args {
    std::string store, role, label;
    int64_t id = 0;
    bool json = false;
  };
  auto args = std::make_shared<Args>();

  auto* create = cmd->add_subcommand("create", "Create a token (shown once)");
  create->add_option("STORE", args->store, "Store file")->required();
  create->add_option("--role", args->role, "clinician or researcher")
      ->required()
      ->check(CLI::IsMember({"clinician", "researcher"}));
  create->add_option("--label", args->label, "Who or what holds the token");
  create->add_flag("--json", args->json, "Machine-readable output");
  create->callback([=] {
    *action = [=]() -> Status {
      JUMEAU_ASSIGN_OR_RETURN(auto store, OpenStore(args->store));
      JUMEAU_ASSIGN_OR_RETURN(const auto t,
                              store->CreateApiToken(args->role, args->label));
      if (args->json) {
        nlohmann::json j = {{"id", t.token.id},
                            {"role", t.token.role},
                            {"label", t.token.label},
                            {"token", t.secret}};
        std::printf("%s\n", j.dump(2).c_str());
      } else {
        std::printf("token %lld (%s): %s\n",
                    static_cast<long long>(t.token.id), t.token.role.c_str(),
                    t.secret.c_str());
        std::printf("shown once; send it as 'Authorization: Bearer <token>'\n");
      }
      return Status::Ok();
    };
  });

  auto* list = cmd->add_subcommand("list", "List tokens (never their secrets)");
  list->add_option("STORE", args->store, "Store file")->required();
  list->add_flag("--json", args->json, "Machine-readable output");
  list->callback([=] {
    *action = [=]() -> Status {
      JUMEAU_ASSIGN_OR_RETURN(auto store, OpenStore(args->store));
      JUMEAU_ASSIGN_OR_RETURN(const auto tokens, store->ApiTokens());
      if (args->json) {
        nlohmann::json out = nlohmann::json::array();
        for (const auto& t : tokens) {
          nlohmann::json j = {{"id", t.id},
                              {"role", t.role},
                              {"label", t.label},
                              {"created", FormatIso8601(t.created)}};
          j["revoked"] = t.revoked ? nlohmann::json(FormatIso8601(*t.revoked))
                                   : nlohmann::json(nullptr);
          out.push_back(j);
        }
        std::printf("%s\n", out.dump(2).c_str());
        return Status::Ok();
      }
      std::printf("%-5s %-11s %-30s %-22s %s\n", "ID", "ROLE", "CREATED",
                  "STATE", "LABEL");
      for (const auto& t : tokens) {
        std::printf("%-5lld %-11s %-30s %-22s %s\n",
                    static_cast<long long>(t.id), t.role.c_str(),
                    FormatIso8601(t.created).c_str(),
                    t.revoked ? "revoked" : "valid", t.label.c_str());
      }
      return Status::Ok();
    };
  });

  auto* revoke = cmd->add_subcommand("revoke", "Revoke a token by its id");
  revoke->add_option("STORE", args->store, "Store file")->required();
  revoke->add_option("ID", args->id, "Token id (from `jumeau token list`)")
      ->required();
  revoke->callback([=] {
    *action = [=]() -> Status {
      JUMEAU_ASSIGN_OR_RETURN(auto store, OpenStore(args->store));
      JUMEAU_RETURN_IF_ERROR(store->RevokeApiToken(args->id));
      std::printf("token %lld revoked\n", static_cast<long long>(args->id));
      return Status::Ok();
    };
  });
}

}  // namespace jumeau::cli
