// The reader→checker hand-over: never more than its capacity waiting, and neither side left blocked
// when the other stops early.
#include <atomic>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "data/chunk_queue.hpp"

using cartelier::data::ChunkQueue;

TEST(ChunkQueue, AFastProducerWaitsOnceCapacityItemsWait) {
    ChunkQueue<int> queue(2);
    std::atomic<bool> produced{false};
    std::thread producer([&] {
        for (int i = 0; i < 50; ++i) EXPECT_TRUE(queue.push(i));
        queue.close();
        produced = true;
    });
    // The consumer takes an item only once the queue looks full (or the producer is done): a queue
    // that let the producer run ahead would be seen holding more than two.
    std::vector<int> got;
    for (;;) {
        while (queue.size() < 2 && !produced.load()) std::this_thread::yield();
        auto item = queue.pop();
        if (!item) break;
        got.push_back(*item);
    }
    producer.join();
    ASSERT_EQ(got.size(), 50u);
    for (int i = 0; i < 50; ++i) EXPECT_EQ(got[static_cast<std::size_t>(i)], i);
    EXPECT_EQ(queue.high_water(), 2u);
}

TEST(ChunkQueue, AConsumerThatStopsReleasesABlockedProducer) {
    ChunkQueue<int> queue(1);
    std::atomic<int> accepted{0};
    std::thread producer([&] {
        for (int i = 0; i < 100; ++i)
            if (queue.push(i)) ++accepted;
        queue.close();
    });
    std::thread consumer([&] {
        struct Abandon {
            ChunkQueue<int>& queue;
            ~Abandon() { queue.abandon(); }
        } abandon{queue};
        try {
            auto first = queue.pop();
            ASSERT_TRUE(first.has_value());
            throw std::runtime_error("the checker fails");
        } catch (const std::runtime_error&) {
        }
    });
    consumer.join();
    producer.join();  // would wait for ever if the producer stayed blocked on the full queue
    EXPECT_GE(accepted.load(), 1);
    EXPECT_LE(accepted.load(), 2);  // the one taken and at most one waiting when the consumer stopped
    EXPECT_FALSE(queue.push(7));
    EXPECT_FALSE(queue.pop().has_value());
}

TEST(ChunkQueue, AClosedQueueGivesWhatWaitsThenNothing) {
    ChunkQueue<int> queue(4);
    for (int i = 0; i < 3; ++i) ASSERT_TRUE(queue.push(i));
    queue.close();
    for (int i = 0; i < 3; ++i) EXPECT_EQ(queue.pop(), i);
    EXPECT_FALSE(queue.pop().has_value());
    EXPECT_EQ(queue.high_water(), 3u);
    EXPECT_EQ(ChunkQueue<int>(0).capacity(), 1u);
}
