#include "tensor/torch_pickle.h"  // defines: PickledTensor, unpickle_state_dict

#include <bit>
#include <cstring>
#include <map>
#include <optional>
#include <set>

#include "json/parse.h"  // defines: text_excerpt
#include "tensor/error.h"

namespace bertlab {

namespace {

// ---- What a state dict may name ------------------------------------------------------------------

// The storage classes torch.save names in persistent ids, and the dtype of their elements.
struct StorageType {
  const char* global;
  const char* dtype;
  int64_t element_size;
};
constexpr StorageType kStorageTypes[] = {
    {"torch.FloatStorage", "F32", 4}, {"torch.HalfStorage", "F16", 2}, {"torch.BFloat16Storage", "BF16", 2},
    {"torch.DoubleStorage", "F64", 8}, {"torch.LongStorage", "I64", 8}, {"torch.IntStorage", "I32", 4},
    {"torch.ShortStorage", "I16", 2}, {"torch.CharStorage", "I8", 1},   {"torch.ByteStorage", "U8", 1},
    {"torch.BoolStorage", "BOOL", 1}};

const StorageType* storage_type(const std::string& global) {
  for (const StorageType& type : kStorageTypes)
    if (global == type.global) return &type;
  return nullptr;
}

// The only functions REDUCE may call.
const std::set<std::string> kCallables = {"collections.OrderedDict", "torch._utils._rebuild_tensor_v2",
                                          "torch._utils._rebuild_parameter"};

// A state dict makes about 10 values per tensor; a file that makes millions is not one, and
// would otherwise cost memory in proportion.
constexpr size_t kMaxValues = size_t(1) << 22;

// ---- Values -------------------------------------------------------------------------------------

enum class Kind { None, Bool, Int, Float, String, Tuple, List, Dict, Global, Storage, Tensor };

const char* kind_name(Kind kind) {
  constexpr const char* kNames[] = {"None",   "a bool", "an int",   "a float",   "a string", "a tuple",
                                    "a list", "a dict", "a global", "a storage", "a tensor"};
  return kNames[static_cast<int>(kind)];
}

// Every value lives in one arena and is named by its index: a value reached twice through the memo
// is shared, never copied, and a list that contains itself costs nothing.
using Id = size_t;
struct Object {
  Kind kind = Kind::None;
  int64_t number = 0;     // Bool, Int; Storage: its element count
  double real = 0;        // Float
  std::string text;       // String; Global: "module.name"; Storage: its key
  std::vector<Id> items;  // Tuple, List; Dict: key, value, key, value, ...
  const StorageType* storage = nullptr;  // Storage
  size_t tensor = 0;                     // Tensor: index into Machine::tensors_
};

Object make(Kind kind, int64_t number = 0) {
  Object object;
  object.kind = kind, object.number = number;
  return object;
}
Object make_text(Kind kind, std::string text) {
  Object object = make(kind);
  object.text = std::move(text);
  return object;
}
Object make_tuple(std::vector<Id> items) {
  Object object = make(Kind::Tuple);
  object.items = std::move(items);
  return object;
}

// Opcode names, for the messages about refused ones.
std::string opcode_name(uint8_t op) {
  static const std::map<uint8_t, const char*> kNames = {
      {'i', "INST"},        {'o', "OBJ"},       {0x81, "NEWOBJ"},   {0x92, "NEWOBJ_EX"}, {'P', "PERSID"},
      {0x82, "EXT1"},       {0x83, "EXT2"},     {0x84, "EXT4"},     {'I', "INT"},        {'L', "LONG"},
      {0x8b, "LONG4"},      {'S', "STRING"},    {'V', "UNICODE"},   {'F', "FLOAT"},      {'g', "GET"},
      {'p', "PUT"},         {'d', "DICT"},      {'l', "LIST"},      {'T', "BINSTRING"},  {'U', "SHORT_BINSTRING"},
      {'B', "BINBYTES"},    {'C', "SHORT_BINBYTES"}, {0x8e, "BINBYTES8"}, {0x8f, "EMPTY_SET"}, {0x90, "ADDITEMS"},
      {0x91, "FROZENSET"},  {0x96, "BYTEARRAY8"}, {0x97, "NEXT_BUFFER"}, {0x98, "READONLY_BUFFER"}, {'2', "DUP"},
      {'1', "POP_MARK"}};
  const auto it = kNames.find(op);
  return it != kNames.end() ? it->second : fmt::format("0x{:02x}", op);
}

// ---- The machine --------------------------------------------------------------------------------

class Machine {
 public:
  Machine(std::string_view pickle, const std::string& where) : pickle_(pickle), where_(where) {}
  Id run();                                    // to STOP: the value it leaves
  size_t consumed() const { return pos_; }     // bytes read, STOP included
  std::vector<PickledTensor> state_dict(Id result) const;
  std::vector<std::string> strings(Id result) const;

 private:
  // The message prefix: the file and the byte of the opcode being run.
  std::string here() const { return fmt::format("{}: byte {}", where_, op_at_); }

  // ---- Reading the opcode stream
  std::string_view take(uint64_t n, const char* what) {
    BERT_CHECK(n <= pickle_.size() - pos_, "{}: truncated pickle: {} needs {} more bytes, got {}. Hint: the file "
                                           "is cut short", here(), what, n, pickle_.size() - pos_);
    const std::string_view bytes = pickle_.substr(pos_, n);
    pos_ += n;
    return bytes;
  }
  template <typename T>
  T number(const char* what) {  // little-endian, as pickle stores binary numbers (BINFLOAT aside)
    T value;
    std::memcpy(&value, take(sizeof(T), what).data(), sizeof(T));
    return value;
  }
  std::string line(const char* what) {  // GLOBAL's "module\n" and "name\n"
    const size_t end = pickle_.find('\n', pos_);
    BERT_CHECK(end != std::string_view::npos, "{}: truncated pickle: {} has no end of line", here(), what);
    std::string text(pickle_.substr(pos_, end - pos_));
    pos_ = end + 1;
    return text;
  }

  // ---- The stack, MARKs and the memo
  Id push(Object object) {
    BERT_CHECK(objects_.size() < kMaxValues, "{}: more than {} values: not a state dict", here(), kMaxValues);
    objects_.push_back(std::move(object));
    return push_id(objects_.size() - 1);
  }
  Id push_id(Id id) {
    BERT_CHECK(stack_.size() < kMaxValues, "{}: a stack of more than {} values: not a state dict", here(),
               kMaxValues);
    stack_.push_back(id);
    return id;
  }
  Id pop() {
    BERT_CHECK(stack_.size() > (marks_.empty() ? 0 : marks_.back()), "{}: pop from an empty stack", here());
    const Id id = stack_.back();
    stack_.pop_back();
    return id;
  }
  Object& top(const char* what) {
    BERT_CHECK(stack_.size() > (marks_.empty() ? 0 : marks_.back()), "{}: {} needs a value on the stack", here(),
               what);
    return objects_[stack_.back()];
  }
  std::vector<Id> pop_mark(const char* what) {  // the values above the last MARK, and the MARK
    BERT_CHECK(!marks_.empty(), "{}: {} without a MARK", here(), what);
    std::vector<Id> items(stack_.begin() + marks_.back(), stack_.end());
    stack_.resize(marks_.back());
    marks_.pop_back();
    return items;
  }
  const Object& get(Id id) const { return objects_[id]; }
  void memo_put(uint64_t index) {
    BERT_CHECK(!stack_.empty(), "{}: memo put from an empty stack", here());
    memo_[index] = stack_.back();
  }
  void memo_get(uint64_t index) {
    const auto it = memo_.find(index);
    BERT_CHECK(it != memo_.end(), "{}: memo get of {}, which was never put", here(), index);
    push_id(it->second);
  }

  // ---- The opcodes that build objects
  void step(uint8_t op);
  void global(const std::string& module, const std::string& name);
  void reduce();
  void build();
  void persistent_id();
  Id rebuild_tensor(const std::vector<Id>& args);
  void set_items(const std::vector<Id>& items, const char* what);
  int64_t expect_int(Id id, const char* what) const;
  Shape expect_sizes(Id id, const char* what) const;

  std::string_view pickle_;
  const std::string& where_;
  size_t pos_ = 0, op_at_ = 0;
  std::vector<Object> objects_;
  std::vector<Id> stack_;
  std::vector<size_t> marks_;  // stack sizes at each MARK
  std::map<uint64_t, Id> memo_;
  std::vector<PickledTensor> tensors_;
  std::map<std::string, Id> storages_;  // key -> the first persistent id naming it
};

Id Machine::run() {
  while (true) {
    op_at_ = pos_;
    const uint8_t op = static_cast<uint8_t>(take(1, "an opcode")[0]);
    if (op == '.') break;  // STOP
    step(op);
  }
  BERT_CHECK(marks_.empty() && stack_.size() == 1, "{}: STOP with {} values and {} MARKs on the stack, expected "
             "one value", here(), stack_.size(), marks_.size());
  return stack_.back();
}

// LAB:pickle-opcodes BEGIN
// Every opcode this machine runs. Anything else is refused.
void Machine::step(uint8_t op) {
  switch (op) {
    case 0x80: {  // PROTO n: the protocol version
      const uint8_t version = number<uint8_t>("PROTO");
      BERT_CHECK(version >= 2 && version <= 5, "{}: pickle protocol {}: expected 2 to 5", here(), version);
      break;
    }
    case 0x95: number<uint64_t>("FRAME"); break;  // FRAME n: a length hint (protocol 4+), nothing to do
    case '(': marks_.push_back(stack_.size()); break;  // MARK
    case '0': pop(); break;                              // POP
    case 'N': push(make(Kind::None)); break;                 // NONE
    case 0x88: push(make(Kind::Bool, 1)); break;             // NEWTRUE
    case 0x89: push(make(Kind::Bool, 0)); break;             // NEWFALSE
    case 'J': push(make(Kind::Int, number<int32_t>("BININT"))); break;
    case 'K': push(make(Kind::Int, number<uint8_t>("BININT1"))); break;
    case 'M': push(make(Kind::Int, number<uint16_t>("BININT2"))); break;
    case 0x8a: {  // LONG1 n, then n bytes: a little-endian two's-complement integer
      const uint8_t n = number<uint8_t>("LONG1");
      BERT_CHECK(n <= 8, "{}: LONG1 of {} bytes: expected an integer that fits in 64 bits", here(), n);
      const std::string_view bytes = take(n, "LONG1");
      uint64_t value = n > 0 && (bytes[n - 1] & 0x80) ? ~uint64_t(0) : 0;  // sign-extend
      std::memcpy(&value, bytes.data(), n);
      push(make(Kind::Int, static_cast<int64_t>(value)));
      break;
    }
    case 'G': {  // BINFLOAT: 8 bytes, big-endian
      const uint64_t bits = __builtin_bswap64(number<uint64_t>("BINFLOAT"));  // std::byteswap is C++23
      Object real = make(Kind::Float);
      real.real = std::bit_cast<double>(bits);
      push(std::move(real));
      break;
    }
    case 'X': push(make_text(Kind::String, std::string(take(number<uint32_t>("BINUNICODE"), "BINUNICODE")))); break;
    case 0x8c: push(make_text(Kind::String, std::string(take(number<uint8_t>("SHORT_BINUNICODE"), "SHORT_BINUNICODE")))); break;
    case 0x8d: push(make_text(Kind::String, std::string(take(number<uint64_t>("BINUNICODE8"), "BINUNICODE8")))); break;
    case ')': push(make(Kind::Tuple)); break;  // EMPTY_TUPLE
    case 't': push(make_tuple(pop_mark("TUPLE"))); break;
    case 0x85: case 0x86: case 0x87: {  // TUPLE1, TUPLE2, TUPLE3: the top 1, 2 or 3 values
      std::vector<Id> items(op - 0x84);
      for (size_t i = items.size(); i-- > 0;) items[i] = pop();
      push(make_tuple(std::move(items)));
      break;
    }
    case ']': push(make(Kind::List)); break;  // EMPTY_LIST
    case 'a': {                           // APPEND
      const Id value = pop();
      Object& list = top("APPEND");
      BERT_CHECK(list.kind == Kind::List, "{}: APPEND to {}, expected a list", here(), kind_name(list.kind));
      list.items.push_back(value);
      break;
    }
    case 'e': {  // APPENDS: the values above the MARK, to the list below it
      const std::vector<Id> values = pop_mark("APPENDS");
      Object& list = top("APPENDS");
      BERT_CHECK(list.kind == Kind::List, "{}: APPENDS to {}, expected a list", here(), kind_name(list.kind));
      list.items.insert(list.items.end(), values.begin(), values.end());
      break;
    }
    case '}': push(make(Kind::Dict)); break;  // EMPTY_DICT
    case 's': {                           // SETITEM
      const Id value = pop(), key = pop();
      set_items({key, value}, "SETITEM");
      break;
    }
    case 'u': set_items(pop_mark("SETITEMS"), "SETITEMS"); break;
    case 'q': memo_put(number<uint8_t>("BINPUT")); break;
    case 'r': memo_put(number<uint32_t>("LONG_BINPUT")); break;
    case 0x94: memo_put(memo_.size()); break;  // MEMOIZE
    case 'h': memo_get(number<uint8_t>("BINGET")); break;
    case 'j': memo_get(number<uint32_t>("LONG_BINGET")); break;
    case 'c': {  // GLOBAL "module\nname\n"
      const std::string module = line("GLOBAL");
      global(module, line("GLOBAL"));
      break;
    }
    case 0x93: {  // STACK_GLOBAL: module and name from the stack
      const Id name = pop(), module = pop();
      BERT_CHECK(get(module).kind == Kind::String && get(name).kind == Kind::String,
                 "{}: STACK_GLOBAL of {} and {}, expected two strings", here(), kind_name(get(module).kind),
                 kind_name(get(name).kind));
      global(get(module).text, get(name).text);
      break;
    }
    case 'R': reduce(); break;
    case 'b': build(); break;
    case 'Q': persistent_id(); break;  // BINPERSID
    default:
      BERT_CHECK(false, "{}: pickle opcode {} is not allowed: a state dict needs only the opcodes listed in "
                 "tensor/torch_pickle.cpp. Hint: this file may run code when loaded in Python; do not torch.load it",
                 here(), opcode_name(op));
  }
}
// LAB:pickle-opcodes END

void Machine::set_items(const std::vector<Id>& items, const char* what) {
  BERT_CHECK(items.size() % 2 == 0, "{}: {} with {} values, expected key/value pairs", here(), what, items.size());
  Object& dict = top(what);
  BERT_CHECK(dict.kind == Kind::Dict, "{}: {} on {}, expected a dict", here(), what, kind_name(dict.kind));
  dict.items.insert(dict.items.end(), items.begin(), items.end());
}

// LAB:pickle-globals BEGIN
// GLOBAL only pushes a name; nothing is imported. A name outside the allowlist is refused here,
// before anything could call it.
void Machine::global(const std::string& module, const std::string& name) {
  const std::string full = module + "." + name;
  BERT_CHECK(kCallables.count(full) || storage_type(full),
             "{}: GLOBAL {} is not allowed: a state dict needs only collections.OrderedDict, "
             "torch._utils._rebuild_tensor_v2, torch._utils._rebuild_parameter and torch.*Storage. Hint: this file "
             "pickles other objects (a whole model, code); do not torch.load it, or save model.state_dict()",
             here(), text_excerpt(full));
  push(make_text(Kind::Global, full));
}

// REDUCE: callable(*args). Only the three kCallables, each checking its arguments.
void Machine::reduce() {
  const Id args_id = pop(), callable_id = pop();
  const Object &callable = get(callable_id), &args = get(args_id);
  BERT_CHECK(callable.kind == Kind::Global && kCallables.count(callable.text),
             "{}: REDUCE of {} is not allowed: only {} can be called", here(),
             callable.kind == Kind::Global ? text_excerpt(callable.text) : kind_name(callable.kind),
             fmt::join(kCallables, ", "));
  BERT_CHECK(args.kind == Kind::Tuple, "{}: REDUCE of {} with {} as arguments, expected a tuple", here(),
             callable.text, kind_name(args.kind));
  const std::vector<Id> items = args.items;  // a copy: pushing may move objects_
  if (callable.text == "collections.OrderedDict") {  // OrderedDict(): an empty dict
    BERT_CHECK(items.empty(), "{}: OrderedDict with {} arguments, expected none", here(), items.size());
    push(make(Kind::Dict));
  } else if (callable.text == "torch._utils._rebuild_parameter") {  // (data, requires_grad, hooks)
    BERT_CHECK(items.size() == 3 && get(items[0]).kind == Kind::Tensor,
               "{}: _rebuild_parameter expects (tensor, requires_grad, hooks), got {} arguments", here(),
               items.size());
    push_id(items[0]);  // a Parameter is its tensor here
  } else {
    rebuild_tensor(items);  // pushes the tensor
  }
}

// BUILD sets an object's state. torch.save uses it once: the state dict's `_metadata` (module
// versions), set on the OrderedDict; it is ignored. On anything else it could run code.
void Machine::build() {
  pop();  // the state
  const Object& target = top("BUILD");
  BERT_CHECK(target.kind == Kind::Dict,
             "{}: BUILD on {} is not allowed: only an OrderedDict's attributes (the state dict's _metadata) may be set",
             here(), kind_name(target.kind));
}
// LAB:pickle-globals END

// BINPERSID: torch.save replaces each storage by ('storage', torch.FloatStorage, key, device, numel);
// its bytes are the zip entry data/<key>. The legacy format adds a sixth item, None (a "view" of
// another storage in PyTorch < 0.4, not supported).
void Machine::persistent_id() {
  const Object& pid = get(pop());
  const bool shaped = pid.kind == Kind::Tuple && (pid.items.size() == 5 || pid.items.size() == 6) &&
                      get(pid.items[0]).kind == Kind::String && get(pid.items[0]).text == "storage" &&
                      (pid.items.size() == 5 || get(pid.items[5]).kind == Kind::None);
  BERT_CHECK(shaped, "{}: persistent id must be ('storage', type, key, device, numel[, None]), got {}", here(),
             pid.kind == Kind::Tuple ? fmt::format("a tuple of {}", pid.items.size()) : kind_name(pid.kind));
  const Object &type = get(pid.items[1]), &key = get(pid.items[2]);
  const StorageType* storage = type.kind == Kind::Global ? storage_type(type.text) : nullptr;
  BERT_CHECK(storage, "{}: persistent id names {} as its storage type, expected torch.<dtype>Storage", here(),
             type.kind == Kind::Global ? type.text : kind_name(type.kind));
  BERT_CHECK(key.kind == Kind::String && get(pid.items[3]).kind == Kind::String,
             "{}: persistent id's key and device must be strings", here());
  const int64_t numel = expect_int(pid.items[4], "the storage's numel");
  BERT_CHECK(checked_mul(numel, storage->element_size), "{}: storage '{}' of {} elements: more than 2^63 bytes",
             here(), text_excerpt(key.text), numel);
  // A storage named twice (tied weights) must be described the same way each time.
  if (const auto it = storages_.find(key.text); it != storages_.end()) {
    const Object& first = get(it->second);
    BERT_CHECK(first.storage == storage && first.number == numel,
               "{}: storage '{}' is {} {} here and {} {} before", here(), text_excerpt(key.text), numel,
               storage->global, first.number, first.storage->global);
  }
  Object object = make_text(Kind::Storage, key.text);
  object.number = numel, object.storage = storage;
  const Id id = push(std::move(object));
  storages_.emplace(objects_[id].text, id);
}

int64_t Machine::expect_int(Id id, const char* what) const {
  BERT_CHECK(get(id).kind == Kind::Int && get(id).number >= 0, "{}: {} must be a non-negative int, got {}", here(),
             what, get(id).kind == Kind::Int ? std::to_string(get(id).number) : kind_name(get(id).kind));
  return get(id).number;
}

Shape Machine::expect_sizes(Id id, const char* what) const {
  BERT_CHECK(get(id).kind == Kind::Tuple, "{}: {} must be a tuple of ints, got {}", here(), what,
             kind_name(get(id).kind));
  Shape sizes;
  for (Id item : get(id).items) sizes.push_back(expect_int(item, what));
  return sizes;
}

// _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata]).
// Every element it names must lie inside the storage: the largest index is
// storage_offset + Σ (size[k] - 1) × stride[k], computed without overflow.
Id Machine::rebuild_tensor(const std::vector<Id>& args) {
  BERT_CHECK(args.size() == 6 || args.size() == 7,
             "{}: _rebuild_tensor_v2 with {} arguments, expected (storage, offset, size, stride, requires_grad, "
             "hooks[, metadata])", here(), args.size());
  const Object& storage = get(args[0]);
  BERT_CHECK(storage.kind == Kind::Storage, "{}: _rebuild_tensor_v2 of {}, expected a storage", here(),
             kind_name(storage.kind));
  PickledTensor t;
  t.dtype = storage.storage->dtype, t.element_size = storage.storage->element_size;
  t.storage_key = storage.text, t.storage_numel = storage.number;
  t.storage_offset = expect_int(args[1], "storage_offset");
  t.shape = expect_sizes(args[2], "size"), t.stride = expect_sizes(args[3], "stride");
  BERT_CHECK(t.shape.size() == t.stride.size(), "{}: size {} and stride {} differ in length", here(), t.shape,
             t.stride);
  BERT_CHECK(get(args[4]).kind == Kind::Bool, "{}: requires_grad must be a bool, got {}", here(),
             kind_name(get(args[4]).kind));
  BERT_CHECK(get(args[5]).kind == Kind::Dict && get(args[5]).items.empty(),
             "{}: backward hooks must be an empty OrderedDict, got {}", here(), kind_name(get(args[5]).kind));
  const std::optional<int64_t> numel = checked_numel(t.shape);
  BERT_CHECK(numel, "{}: tensor size {} has more than 2^63 elements", here(), t.shape);
  std::optional<int64_t> last = t.storage_offset;  // the largest storage index the tensor reads
  for (size_t k = 0; k < t.shape.size() && *numel > 0 && last; ++k) {
    const std::optional<int64_t> step = checked_mul(t.shape[k] - 1, t.stride[k]);
    last = step && *last <= INT64_MAX - *step ? std::optional(*last + *step) : std::nullopt;
  }
  const bool inside = last && (*numel == 0 ? *last <= t.storage_numel : *last < t.storage_numel);
  BERT_CHECK(inside, "{}: tensor of size {}, stride {}, offset {} reads past its storage '{}' of {} elements", here(),
             t.shape, t.stride, t.storage_offset, text_excerpt(t.storage_key), t.storage_numel);
  tensors_.push_back(std::move(t));
  Object object = make(Kind::Tensor);
  object.tensor = tensors_.size() - 1;
  return push(std::move(object));
}

// The pickle's value: a dict {name: tensor}.
std::vector<PickledTensor> Machine::state_dict(Id result) const {
  const Object& dict = get(result);
  BERT_CHECK(dict.kind == Kind::Dict, "{}: the pickle holds {}, expected a state dict {{name: tensor}}", where_,
             kind_name(dict.kind));
  std::vector<PickledTensor> tensors;
  std::set<std::string> names;
  for (size_t i = 0; i < dict.items.size(); i += 2) {
    const Object &key = get(dict.items[i]), &value = get(dict.items[i + 1]);
    BERT_CHECK(key.kind == Kind::String, "{}: a state dict key is {}, expected a string", where_, kind_name(key.kind));
    BERT_CHECK(value.kind == Kind::Tensor,
               "{}: '{}' holds {}, expected a tensor. Hint: a training checkpoint nests the model's weights (e.g. "
               "under 'state_dict' or 'model'); save model.state_dict() alone", where_, text_excerpt(key.text),
               kind_name(value.kind));
    BERT_CHECK(names.insert(key.text).second, "{}: the state dict names '{}' twice", where_, text_excerpt(key.text));
    tensors.push_back(tensors_[value.tensor]);
    tensors.back().name = key.text;
  }
  return tensors;
}

// The pickle's value: a list of strings (the legacy format's storage keys).
std::vector<std::string> Machine::strings(Id result) const {
  const Object& list = get(result);
  BERT_CHECK(list.kind == Kind::List, "{}: the pickle holds {}, expected a list of storage keys", where_,
             kind_name(list.kind));
  std::vector<std::string> texts;
  for (Id item : list.items) {
    BERT_CHECK(get(item).kind == Kind::String, "{}: a storage key is {}, expected a string", where_,
               kind_name(get(item).kind));
    texts.push_back(get(item).text);
  }
  return texts;
}

}  // namespace

std::vector<PickledTensor> unpickle_state_dict(std::string_view pickle, const std::string& where, size_t* consumed) {
  Machine machine(pickle, where);
  const Id result = machine.run();
  if (consumed) *consumed = machine.consumed();
  return machine.state_dict(result);
}

std::vector<std::string> unpickle_strings(std::string_view pickle, const std::string& where, size_t* consumed) {
  Machine machine(pickle, where);
  const Id result = machine.run();
  *consumed = machine.consumed();
  return machine.strings(result);
}

size_t skip_pickle(std::string_view pickle, const std::string& where) {
  Machine machine(pickle, where);
  machine.run();
  return machine.consumed();
}

}  // namespace bertlab
