#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "conform/core/diagnostic.hpp"
#include "conform/spec/document_set.hpp"
#include "conform/spec/model.hpp"
#include "conform/spec/schema_store.hpp"

namespace conform::spec {

class Router;

struct LoadOptions {
  // Also normalise every component schema and every schema that carries an example, and resolve
  // every `$ref` in every file, used or not (what `lint` needs; a run needs only what it uses).
  bool thorough = false;
};

// An OpenAPI 3.0/3.1 description, loaded and resolved: the immutable model the generators, the
// runner and the mock read.
class Spec {
 public:
  // Throws core::Error (exit code 2) when the file cannot be read, is not JSON/YAML, or is not an
  // OpenAPI 3.0/3.1 document. Problems inside the document become diagnostics.
  static Spec load(const std::filesystem::path& path, const LoadOptions& options = {});
  Spec(Spec&&) noexcept = default;
  Spec& operator=(Spec&&) noexcept = default;
  Spec(const Spec&) = delete;  // the router points into this spec's operations
  Spec& operator=(const Spec&) = delete;

  OpenApiVersion version() const { return version_; }
  const std::string& declared_version() const { return declared_version_; }
  const std::string& title() const { return title_; }
  // Server URLs, their variables at their default values.
  const std::vector<std::string>& servers() const { return servers_; }
  // The path of the first server URL ("/v1" of "https://api.example.com/v1/"), without its final
  // '/'; "" when there is none: where the description's paths start on a server.
  std::string base_path() const;
  const std::vector<Operation>& operations() const { return operations_; }
  const std::map<std::string, SecurityScheme>& security_schemes() const { return schemes_; }
  const SchemaStore& schemas() const { return schemas_; }
  const DocumentSet& documents() const { return documents_; }
  const std::string& file() const { return documents_.root_file(); }

  const Operation* find_operation(std::string_view operation_id) const;
  // Which operation a request's method and path name, as a server routes them.
  const Router& router() const { return *router_; }

  // The model's findings and the schema normaliser's, in that order.
  core::Diagnostics diagnostics() const;
  bool has_errors() const { return diagnostics().count(core::Severity::error) > 0; }

 private:
  Spec(DocumentSet documents, OpenApiVersion version);
  class Builder;

  DocumentSet documents_;
  OpenApiVersion version_;
  std::string declared_version_;
  std::string title_;
  std::vector<std::string> servers_;
  std::vector<Operation> operations_;
  std::map<std::string, SecurityScheme> schemes_;
  SchemaStore schemas_;
  core::Diagnostics diagnostics_;
  std::shared_ptr<const Router> router_;  // points into operations_, whose buffer moves with it
};

}  // namespace conform::spec
