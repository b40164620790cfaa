-- Reads behind a feed page (store/articles.py: Store.feed_rows and Store.copies), answered as
-- ONE JSON string per call, so that a page of 50 stories costs a few round trips and a few
-- replies instead of ~150 commands and ~700 reply elements for the client to parse.
-- Read-only; keys are built from the prefix like story_index.lua (standalone Redis):
-- {p}article:{id} (hash) and {p}cluster:{id} (zset of member ids by published time).
--
-- ARGV[1] = mode, ARGV[2] = prefix, ARGV[3] = JSON list of article field names, then:
--   rows:    article ids -> per id, its field values ('' when unset), or null when it is gone
--   copies:  (article id, cluster id) pairs -> per pair, the field values of every other
--            member of the cluster, earliest published first (members that are gone are left out)
-- An article is gone when its hash has no id. A key of the wrong type answers {error, id} in
-- place of the article's values, or {error} in place of the cluster's copies (redis.pcall), so
-- one malformed record does not fail the page (Store reports it).

local mode, p = ARGV[1], ARGV[2]
local fields = cjson.decode(ARGV[3])

local function values(id)
  local v = redis.pcall('HMGET', p .. 'article:' .. id, 'id', unpack(fields))
  if v.err then return {error = v.err, id = id} end
  if not v[1] then return nil end
  local out = {}
  for i = 1, #fields do
    out[i] = v[i + 1] or ''
  end
  return out
end

local out = {}
if mode == 'rows' then
  for i = 4, #ARGV do
    out[#out + 1] = values(ARGV[i]) or cjson.null
  end
elseif mode == 'copies' then
  for i = 4, #ARGV, 2 do
    local copies = {}
    local members = redis.pcall('ZRANGE', p .. 'cluster:' .. ARGV[i + 1], 0, -1)
    if members.err then
      copies = {error = members.err}
    else
      for _, member in ipairs(members) do
        if member ~= ARGV[i] then copies[#copies + 1] = values(member) end
      end
    end
    out[#out + 1] = copies
  end
else
  return redis.error_reply('unknown mode ' .. tostring(mode))
end
return cjson.encode(out)
