#pragma once
// The platforms' own rules in `plan` (YouTube, Facebook, Instagram, X), found before anything
// is sent: how many items a post takes, the picture shapes Instagram accepts, and the public
// address Instagram and Facebook fetch a file from.
//
//   plan_platform(all_channels, channel_plan);  // fills public_url, media_host; adds problems

#include <string>
#include <vector>

#include "pipeline/model/channel.hpp"
#include "pipeline/model/publish_plan.hpp"

namespace saluran {

/// Adds `plan`'s platform problems (channel, rule and what to change) and fills what the
/// publish stage needs: each media item's public_url from the channel's public_base_url, and
/// `media_host` from its public_via (looked up in `channels`, every configured channel).
/// Unless the operator chose the channel's media (`media_chosen`), X and Facebook get the video
/// alone when there is one (X: else at most four photos), with a note saying how to choose
/// otherwise.
void plan_platform(const std::vector<ChannelConfig>& channels, ChannelPlan& plan,
                   bool media_chosen = false);

/// True for an address only this machine or its local network can reach (localhost, 127/8,
/// 10/8, 172.16/12, 192.168/16, 169.254/16, ::1, fc00::/7, fe80::/10, *.local, a name without a
/// dot): a platform on the internet cannot fetch from it.
bool is_private_address(const std::string& url);

}  // namespace saluran
