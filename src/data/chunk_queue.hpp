// The hand-over between a layer's reading thread and the thread that checks what it read: a FIFO of
// bounded length, so that a reader faster than its checker waits instead of piling up a whole layer.
#pragma once

#include <algorithm>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>

namespace cartelier::data {

/// A FIFO between one producing and one consuming thread holding at most `capacity` items: push()
/// waits while it is full. Either side can end the hand-over without leaving the other blocked:
/// close() (the producer has nothing more; the consumer still gets what is queued, then nullopt),
/// abandon() (the consumer takes nothing more: queued items are dropped, push() returns false at
/// once from then on, and pop() returns nullopt). All members are thread-safe.
template <typename T>
class ChunkQueue {
public:
    /// `capacity` below 1 is taken as 1.
    explicit ChunkQueue(std::size_t capacity) : capacity_(std::max<std::size_t>(capacity, 1)) {}
    ChunkQueue(const ChunkQueue&) = delete;
    ChunkQueue& operator=(const ChunkQueue&) = delete;

    /// Waits for room, then appends. False (the item dropped) once the consumer has abandoned.
    bool push(T item) {
        std::unique_lock lock(mutex_);
        room_.wait(lock, [&] { return abandoned_ || items_.size() < capacity_; });
        if (abandoned_) return false;
        items_.push_back(std::move(item));
        high_water_ = std::max(high_water_, items_.size());
        ready_.notify_one();
        return true;
    }
    /// Waits for an item; nullopt once the queue is closed and empty, or abandoned.
    std::optional<T> pop() {
        std::unique_lock lock(mutex_);
        ready_.wait(lock, [&] { return abandoned_ || closed_ || !items_.empty(); });
        if (abandoned_ || items_.empty()) return std::nullopt;
        std::optional<T> item(std::move(items_.front()));
        items_.pop_front();
        room_.notify_one();
        return item;
    }
    /// The producer's end: nothing more will be pushed.
    void close() {
        std::lock_guard lock(mutex_);
        closed_ = true;
        ready_.notify_all();
    }
    /// The consumer's end: it takes nothing more (a blocked push() returns false).
    void abandon() {
        std::lock_guard lock(mutex_);
        abandoned_ = true;
        items_.clear();
        room_.notify_all();
        ready_.notify_all();
    }
    std::size_t capacity() const { return capacity_; }
    /// Items waiting now.
    std::size_t size() const {
        std::lock_guard lock(mutex_);
        return items_.size();
    }
    /// The most items ever waiting at once (never more than capacity()).
    std::size_t high_water() const {
        std::lock_guard lock(mutex_);
        return high_water_;
    }

private:
    const std::size_t capacity_;
    mutable std::mutex mutex_;
    std::condition_variable room_;   ///< signalled when an item leaves or the consumer abandons
    std::condition_variable ready_;  ///< signalled when an item arrives or either side ends
    std::deque<T> items_;
    std::size_t high_water_ = 0;
    bool closed_ = false;
    bool abandoned_ = false;
};

}  // namespace cartelier::data
