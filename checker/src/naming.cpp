// Naming an object after its creation (lockstep::name).
#include <fmt/format.h>

#include <lockstep/token_error.hpp>

#include "execution.hpp"

namespace lockstep::detail {

void execution::rename(object_id o, std::string_view name) {
    object_info& info = objects_[o];
    if (info.kind == object_kind::thread) threads_[info.thread]->name.assign(name);
    else info.name.assign(name);
}

void name_object(object_id id, std::string_view name, std::source_location where) {
    execution* ex = execution::current();
    if (ex == nullptr) throw usage_error("lockstep: lockstep::name used outside a model run by lockstep::explore or lockstep::replay");
    const object_id o = ex->index(id, where);
    if (name.empty())
        ex->fail(failure_kind::misuse, fmt::format("lockstep::name gives {} an empty name", ex->object_label(o)), where);
    ex->rename(o, name);
}

} // namespace lockstep::detail
