// RapidCheck helpers shared by the generators. RapidCheck's inRange scales its range with the
// generation size (at size 20 only the first fifth of the range is reachable); choices that
// must be uniform whatever the size use UniformInRange.
#pragma once

#include <rapidcheck.h>

namespace dj::model {

// A value in [min, max), uniform at every generation size; shrinks towards min.
template <class T>
rc::Gen<T> UniformInRange(T min, T max) {
  return rc::gen::resize(rc::kNominalSize, rc::gen::inRange<T>(min, max));
}

}  // namespace dj::model
