// A background thread that replays the launch logs (operation_log.h) to the
// policy, so that the threads issuing launches need not.
//
// Why: on the quiet path a launch only copies its parameter words into its
// thread's log; decoding them and telling the policy costs several times
// that, and whoever replays a log pays it. Without this thread that is the
// launching thread itself, whenever its log fills. Replays still happen
// before every policy decision as well, so the reporter only moves work off
// the launch path; correctness never depends on it.
//
// A launching thread nudges it when its log passes half full (once per
// crossing), which costs that thread one wake-up every few hundred
// launches; between nudges the reporter sleeps.
#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

namespace gpuswap::runtime {

class LaunchReporter {
 public:
  // `replay` replays every log (it takes the runtime's lock).
  explicit LaunchReporter(std::function<void()> replay);
  ~LaunchReporter();
  LaunchReporter(const LaunchReporter&) = delete;
  LaunchReporter& operator=(const LaunchReporter&) = delete;

  // Starts the thread; false when none could be made (the logs are then
  // replayed by whoever next takes the runtime's lock).
  bool start() noexcept;
  // Asks for a replay soon. Any thread; never blocks for the replay.
  void nudge() noexcept;
  // Stops and joins the thread. Idempotent.
  void stop() noexcept;
  // In a forked child: the thread belongs to the parent, so it is neither
  // joined nor destroyed (its object is leaked).
  void abandon_after_fork() noexcept;

 private:
  void run();

  std::function<void()> replay_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool nudged_ = false;    // guarded by mu_
  bool stopping_ = false;  // guarded by mu_
  std::unique_ptr<std::thread> thread_;
};

}  // namespace gpuswap::runtime
