#include "tensor/mapped_file.h"  // defines: MappedFile, map_file

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "tensor/error.h"

namespace bertlab {

MappedFile map_file(const std::filesystem::path& path, const std::string& format) {
  const std::string name = path.string();
  const int fd = ::open(name.c_str(), O_RDONLY | O_NONBLOCK);  // a FIFO must not wait for a writer
  BERT_CHECK(fd >= 0, "{} '{}': cannot open: {}", format, name, std::strerror(errno));
  struct stat st {};
  ::fstat(fd, &st);  // cannot fail on a descriptor we just opened
  const bool regular = S_ISREG(st.st_mode);
  if (!regular) ::close(fd);
  BERT_CHECK(regular, "{} '{}': not a regular file (a folder, a FIFO or a device)", format, name);
  const int64_t size = st.st_size;
  // An empty file cannot be mapped; it gets no memory and the reader reports it as too short.
  void* memory = size > 0 ? ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0) : nullptr;
  const int map_errno = errno;
  ::close(fd);  // the mapping stays valid without the descriptor
  BERT_CHECK(memory != MAP_FAILED, "{} '{}': cannot map the file: {}", format, name, std::strerror(map_errno));
  std::shared_ptr<char> bytes(static_cast<char*>(memory), [size](char* p) {
    if (p) ::munmap(p, size);
  });
  return MappedFile{std::move(bytes), size};
}

MappedFile hold_bytes(std::string bytes) {
  auto owner = std::make_shared<std::string>(std::move(bytes));
  const auto size = static_cast<int64_t>(owner->size());
  // Aliasing constructor: points at the characters, shares ownership of the string.
  return MappedFile{std::shared_ptr<char>(owner, owner->data()), size};
}

}  // namespace bertlab
