#pragma once
// Names and pieces of libavfilter chains as text, for the plans that write chains (no libav
// types: the render plan includes this, the transcoder runs the chains).

namespace saluran::av {

/// The filters that turn a picture stored `rotation` degrees (clockwise, 0/90/180/270) off
/// upright: "transpose=clock", "hflip,vflip", "transpose=cclock", or "" for none.
const char* upright_filter(int rotation);

/// The name of the moving crop's filter instance in a chain.
inline constexpr const char* kMovingCropFilter = "crop@reframe";

}  // namespace saluran::av
