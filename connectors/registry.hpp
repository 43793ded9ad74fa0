#pragma once
// The one list of connectors (DESIGN.md rule 6): a channel's kind decides which connector
// publishes to it.
//
//   auto connector = make_connector(channel, {.secret = *read_secret(channel), .client = &client});
//   if (connector) Status ok = (*connector)->test();

#include <memory>

#include "connectors/connector.hpp"
#include "pipeline/model/channel.hpp"

namespace saluran {

/// The connector for `channel`, given its secret and the run's services. A kind whose connector
/// is not built yet gives kUnsupported, naming the channel and the kind.
Result<std::unique_ptr<Connector>> make_connector(const ChannelConfig& channel,
                                                  ConnectorContext context);

}  // namespace saluran
