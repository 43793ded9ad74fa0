#include "codecs/av/transcode_branch.hpp"

#include <algorithm>
#include <cmath>

#include "codecs/av/av_error.hpp"
#include "codecs/av/av_inc.hpp"

namespace saluran::av {
namespace {

// Sends one filtered frame to every encoder of the branch whose output is still alive.
void feed_encoders(Branch& b, AVFrame* frame, AVPacket* pkt) {
  const AVRational sink_tb = av_buffersink_get_time_base(b.chain->sink());
  const std::int64_t pts = frame->pts;
  // The decoder's picture types must not force keyframes: the preset's GOP decides them.
  if (b.video) frame->pict_type = AV_PICTURE_TYPE_NONE;
  for (auto& e : b.encoders) {
    if (e->out->failed()) continue;
    if (pts != AV_NOPTS_VALUE) frame->pts = av_rescale_q(pts, sink_tb, e->ctx->time_base);
    if (auto st = encode_and_write(*e, frame, pkt); !st) e->out->fail(st.error());
  }
  frame->pts = pts;
}

void fail_all(Branch& b, const Error& e) {
  for (auto& enc : b.encoders) enc->out->fail(e);
}

Status drain(Branch& b, AVFrame* filtered, AVPacket* pkt) {
  while (true) {
    auto got = b.chain->pull(filtered);
    if (!got) return got.error();
    if (!*got) return Ok{};
    feed_encoders(b, filtered, pkt);
    av_frame_unref(filtered);
  }
}

// A reframed rendition: puts the crop window where the path says for this frame's time.
Status move_crop(Branch& b, const AVFrame* frame) {
  if (!b.moving_crop || b.moving_crop->x.empty() || frame->pts == AV_NOPTS_VALUE) return Ok{};
  const MovingCrop& m = *b.moving_crop;
  const double t = static_cast<double>(frame->pts) * b.in_tb;
  const auto last = static_cast<std::int64_t>(m.x.size()) - 1;
  const std::int64_t i = std::clamp<std::int64_t>(std::llround((t - m.start_s) * m.fps), 0, last);
  const int x = m.x[static_cast<std::size_t>(i)];
  if (x == b.last_crop_x) return Ok{};
  b.last_crop_x = x;
  return b.chain->command(kMovingCropFilter, "x", std::to_string(x));
}

}  // namespace

Status encode_and_write(Encoder& e, const AVFrame* frame, AVPacket* pkt) {
  int ret = avcodec_send_frame(e.ctx.get(), frame);
  if (ret < 0 && ret != AVERROR_EOF) return check_av(ret, "avcodec_send_frame", e.out->spec->path);
  if (frame != nullptr) ++e.frames;
  while (true) {
    ret = avcodec_receive_packet(e.ctx.get(), pkt);
    if (ret == AVERROR(EAGAIN) || ret == AVERROR_EOF) return Ok{};
    if (auto st = check_av(ret, "avcodec_receive_packet", e.out->spec->path); !st) return st;
    auto st = e.out->file->write(e.stream, pkt, e.ctx.get());
    av_packet_unref(pkt);
    if (!st) return st;
  }
}

void copy_packet(CopyTarget& c, const AVPacket* pkt, int tb_num, int tb_den, std::int64_t offset) {
  if (c.out->failed()) return;
  PacketPtr ref = make_packet();
  if (!ref)
    return c.out->fail(make_error(ErrorCode::kExternal, "out of memory", c.out->spec->path));
  if (auto st = check_av(av_packet_ref(ref.get(), pkt), "av_packet_ref", c.out->spec->path); !st)
    return c.out->fail(st.error());
  // The same shift as the decoded frames get, so the copied pictures keep time with the sound.
  if (ref->pts != AV_NOPTS_VALUE) ref->pts -= offset;
  if (ref->dts != AV_NOPTS_VALUE) ref->dts -= offset;
  ref->pos = -1;
  if (auto st = c.out->file->write(c.stream, ref.get(), tb_num, tb_den); !st)
    return c.out->fail(st.error());
  ++c.out->outcome.copied_packets;
}

bool any_alive(const Branch& b) {
  return std::any_of(b.encoders.begin(), b.encoders.end(),
                     [](const auto& e) { return !e->out->failed(); });
}

bool stop_if_cancelled(Branch& b) {
  if (!is_cancelled(b.cancel)) return false;
  for (auto& enc : b.encoders) enc->out->fail(cancelled_error(enc->out->spec->path));
  b.queue->close();
  return true;
}

void run_branch(Branch& b) {
  FramePtr filtered = make_frame();
  PacketPtr pkt = make_packet();
  while (auto item = b.queue->pop()) {
    if (stop_if_cancelled(b) || !any_alive(b) || b.chain->finished()) {
      // Nobody wants this chain's frames any more (its outputs failed, or its trim has ended
      // while the decoder goes on for longer renditions): let the decoder stop sending them.
      // A graph past its end would otherwise keep every further frame.
      b.queue->close();
      continue;
    }
    Status st = move_crop(b, item->get());
    if (st) st = b.chain->push(item->get());
    if (st) st = drain(b, filtered.get(), pkt.get());
    if (!st) {
      fail_all(b, st.error());
      b.queue->close();
    }
  }
  if (stop_if_cancelled(b) || !any_alive(b)) return;
  if (!b.chain->finished()) {
    Status st = b.chain->push(nullptr);
    if (st) st = drain(b, filtered.get(), pkt.get());
    if (!st) return fail_all(b, st.error());
  }
  for (auto& e : b.encoders) {
    if (e->out->failed()) continue;
    if (auto fl = encode_and_write(*e, nullptr, pkt.get()); !fl) e->out->fail(fl.error());
    e->out->outcome.video_frames = b.video ? e->frames : e->out->outcome.video_frames;
  }
}

}  // namespace saluran::av
