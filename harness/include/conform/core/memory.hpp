#pragma once

namespace conform::core {

// Gives memory the process has freed back to the system. glibc keeps what a thread frees in that
// thread's arena, so a server whose workers each parsed one large body would go on holding a
// parse tree's worth per worker; called after such work, the process returns to its size.
// Does nothing where the allocator offers no such call.
void return_freed_memory();

// Lets the threads started after this call share at most `count` allocator arenas. glibc gives
// threads arenas of their own, up to eight per core, and memory freed in one serves only the
// threads on it: a server whose many workers each parse a large body now and then would hold a
// parse tree's worth per arena. Does nothing where the allocator has no such setting.
void limit_allocator_arenas(unsigned count);

}  // namespace conform::core
