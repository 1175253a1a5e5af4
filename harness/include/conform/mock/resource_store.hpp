#pragma once

#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "conform/gen/request_reading.hpp"
#include "conform/mock/faults.hpp"
#include "conform/schema/spec_schemas.hpp"
#include "conform/spec/resources.hpp"

namespace conform::mock {

// An answer the store gives, before the server shapes and sends it.
struct StoreReply {
  int status = 200;
  std::optional<nlohmann::json> body;
  std::map<std::string, std::string> headers;
  std::string not_found;  // set for a 404: what is missing
};

// The mock's state for any description: the resources spec::find_resources infers from its paths.
// A POST on a collection keeps a new item (the created answer's body, with the request's members
// where the schema has them, and a fresh identifier in the member the item path names, else
// `id`; the item's path in `Location`), the item path's GET, PUT, PATCH and DELETE act on it, an
// identifier that was deleted is answered 404, and the collection's GET lists what is kept. Items
// the mock never made are answered as before (generated), so that any identifier can be used.
class ResourceStore {
 public:
  // A valid value of a schema, fresh for each distinct salt.
  using Generate = std::function<nlohmann::json(spec::SchemaId, const std::string& salt)>;

  // Each collection keeps at most `max_kept` items and remembers as many deleted identifiers:
  // past that the oldest are forgotten (and answered as identifiers the mock never made).
  ResourceStore(const spec::Spec& spec, const schema::SpecSchemas& schemas, const Faults& faults,
                Generate generate, std::size_t max_kept = 1000);

  // The answer when `operation` acts on a resource and the store has something to say;
  // nothing when the mock should answer as it does for any operation.
  std::optional<StoreReply> handle(const spec::Operation& operation, const std::string& path,
                                   const gen::ReadRequest& request);

 private:
  struct Kept {
    std::map<std::string, nlohmann::json> items;  // by identifier text
    std::deque<std::string> order;                // creation order, for listing
    std::set<std::string> deleted;
    std::deque<std::string> deletion_order;
    std::int64_t next = 0;
    bool unlistable = false;  // no answer drawn for a create could be listed: stop drawing
  };
  enum class Role { create, list, read, update, remove };

  StoreReply create(const spec::Resource& resource, const std::string& path,
                    const gen::ReadRequest& request, Kept& kept);
  std::optional<StoreReply> list(const spec::Operation& operation, const Kept& kept);
  // The list operation's answer holding these (identifier, kept answer) pairs, if its schema can.
  std::optional<StoreReply> list_body(
      const spec::Operation& operation,
      const std::vector<std::pair<std::string, nlohmann::json>>& kept_items) const;
  // What a list or an item read shows of a kept answer: the answer, else the object inside it
  // that holds the identifier ({"success": true, "key": {"id": 7}} → {"id": 7}).
  std::vector<nlohmann::json> views(const nlohmann::json& kept_answer) const;
  nlohmann::json with_identifier(nlohmann::json item, const std::string& id) const;
  // The body an operation's first 2XX response declares for `item`, or a generated one.
  std::optional<nlohmann::json> answer_body(const spec::Operation& operation,
                                            const nlohmann::json& item, int& status);
  bool valid(spec::SchemaId schema, const nlohmann::json& value) const;

  const spec::Spec& spec_;
  const schema::SpecSchemas& schemas_;
  const Faults& faults_;
  Generate generate_;
  std::size_t max_kept_;
  std::vector<spec::Resource> resources_;
  std::map<const spec::Operation*, std::pair<std::size_t, Role>> roles_;
  std::mutex mutex_;
  // By item path: two creates on one collection ("/ssh" and "/ssh/") keep the same items.
  std::map<std::string, Kept> kept_;
};

}  // namespace conform::mock
