// An output stream written by one thread and read by others while it is written (e.g. the output of
// `pipeline::run_watch` on a thread, read by the test waiting for a message).
#pragma once

#include <mutex>
#include <ostream>
#include <streambuf>
#include <string>

namespace cartelier::test {

/// The text written so far, behind one mutex: every write (from the stream) and every read (str()) holds it.
/// It has no buffer of its own, so each write reaches the text at once.
class SyncedBuffer : public std::streambuf {
public:
    /// A copy of everything written so far.
    std::string text() const {
        std::lock_guard lock(mutex_);
        return text_;
    }

protected:
    int_type overflow(int_type c) override {
        if (traits_type::eq_int_type(c, traits_type::eof())) return traits_type::not_eof(c);
        std::lock_guard lock(mutex_);
        text_.push_back(traits_type::to_char_type(c));
        return c;
    }
    std::streamsize xsputn(const char* s, std::streamsize n) override {
        std::lock_guard lock(mutex_);
        text_.append(s, static_cast<std::size_t>(n));
        return n;
    }

private:
    mutable std::mutex mutex_;
    std::string text_;
};

namespace detail {
struct SyncedBufferHolder {  // constructed before the std::ostream base that points at it
    SyncedBuffer buffer;
};
}  // namespace detail

/// An std::ostream over a SyncedBuffer. The stream object itself (format flags, state) belongs to the one
/// thread that writes; any thread may call str() at any time.
class SyncedStream : private detail::SyncedBufferHolder, public std::ostream {
public:
    SyncedStream() : std::ostream(&buffer) {}
    SyncedStream(const SyncedStream&) = delete;
    SyncedStream& operator=(const SyncedStream&) = delete;
    /// A copy of everything written so far (safe while another thread writes).
    std::string str() const { return buffer.text(); }
};

}  // namespace cartelier::test
